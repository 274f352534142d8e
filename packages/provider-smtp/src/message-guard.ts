import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

/** Why a received message is refused while its bytes arrive. */
export type GuardViolation = 'too-big' | 'bare-lf' | 'bare-cr';

/**
 * Passes a DATA stream through while checking it: at most `maxBytes`, and every line ending a
 * CRLF. A bare LF or CR is how SMTP smuggling hides a second message behind "\n.\n" that another
 * server would read as the end of data. After the first violation nothing more is passed on
 * (so nothing is buffered), but the input is still drained to its end.
 */
export class MessageGuard extends Transform {
  violation: GuardViolation | undefined;
  bytes = 0;
  private previous = -1;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.violation === undefined && this.bytes > this.maxBytes) this.violation = 'too-big';
    if (this.violation === undefined) this.violation = this.scan(chunk);
    else this.previous = chunk[chunk.length - 1] ?? this.previous;
    callback(null, this.violation === undefined ? chunk : undefined);
  }

  override _flush(callback: TransformCallback): void {
    if (this.violation === undefined && this.previous === CR) this.violation = 'bare-cr';
    callback();
  }

  private scan(chunk: Buffer): GuardViolation | undefined {
    let previous = this.previous;
    for (let i = 0; i < chunk.length; i += 1) {
      const byte = chunk[i] as number;
      if (byte === LF && previous !== CR) return 'bare-lf';
      if (previous === CR && byte !== LF) return 'bare-cr';
      previous = byte;
    }
    this.previous = previous;
    return undefined;
  }
}
