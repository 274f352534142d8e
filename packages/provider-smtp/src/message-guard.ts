import { Transform, type TransformCallback } from 'node:stream';
import { MAX_HEADER_BLOCK_CHARS, MAX_HEADER_FIELDS } from '@xport/provider-sdk';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;

/** Why a received message is refused while its bytes arrive. */
export type GuardViolation = 'too-big' | 'bare-lf' | 'bare-cr' | 'too-many-header-fields' | 'header-too-big';

/** What the guard enforces; the header limits are the SDK's, the ones submit applies. */
export interface GuardLimits {
  readonly maxBytes: number;
  readonly maxHeaderFields?: number;
  readonly maxHeaderBytes?: number;
}

/**
 * Passes a DATA stream through while checking it: at most `maxBytes`, every line ending a CRLF,
 * and a header block (up to the first empty line) of at most `maxHeaderFields` fields and
 * `maxHeaderBytes` bytes. A bare LF or CR is how SMTP smuggling hides a second message behind
 * "\n.\n" that another server would read as the end of data; the header limits keep 10,000 header
 * lines from ever reaching the parser. After the first violation nothing more is passed on (so
 * nothing is buffered), but the input is still drained to its end.
 */
export class MessageGuard extends Transform {
  violation: GuardViolation | undefined;
  bytes = 0;
  private previous = -1;
  private inHeader = true;
  private headerBytes = 0;
  private headerFields = 0;
  private readonly maxBytes: number;
  private readonly maxHeaderFields: number;
  private readonly maxHeaderBytes: number;

  constructor(limits: GuardLimits) {
    super();
    this.maxBytes = limits.maxBytes;
    this.maxHeaderFields = limits.maxHeaderFields ?? MAX_HEADER_FIELDS;
    this.maxHeaderBytes = limits.maxHeaderBytes ?? MAX_HEADER_BLOCK_CHARS;
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
    let i = 0;
    // The header block is scanned byte by byte for field starts; the body only for line endings.
    for (; this.inHeader && i < chunk.length; i += 1) {
      const byte = chunk[i] as number;
      if (byte === LF && previous !== CR) return 'bare-lf';
      if (previous === CR && byte !== LF) return 'bare-cr';
      const lineStart = previous === LF || previous === -1;
      if (lineStart && byte === CR) {
        this.inHeader = false; // the empty line: what follows is the body
      } else if (lineStart && byte !== SP && byte !== HT) {
        this.headerFields += 1;
        if (this.headerFields > this.maxHeaderFields) return 'too-many-header-fields';
      }
      this.headerBytes += 1;
      if (this.headerBytes > this.maxHeaderBytes) return 'header-too-big';
      previous = byte;
    }
    for (; i < chunk.length; i += 1) {
      const byte = chunk[i] as number;
      if (byte === LF && previous !== CR) return 'bare-lf';
      if (previous === CR && byte !== LF) return 'bare-cr';
      previous = byte;
    }
    this.previous = previous;
    return undefined;
  }
}
