/** One line of a batch: its text, or — longer than the limit — only its length. */
export type BoundedLine =
  | { readonly number: number; readonly bytes: number; readonly text: string }
  | { readonly number: number; readonly bytes: number; readonly tooLong: true };

const LF = 0x0a;

/**
 * The lines of a byte stream, numbered from 1: LF ends a line, a CR before it is dropped, a last
 * line needs no LF. A line longer than `maxBytes` (its CR included) comes out as `tooLong` with its
 * length: its bytes are dropped as they arrive, so memory never holds more than `maxBytes` of a
 * line. Node's readline has no such limit: it builds the line as one string, and one past ~512 MB
 * is a RangeError.
 *
 * @example
 * for await (const line of readBoundedLines(createReadStream(file), 1 << 20)) ...
 */
export async function* readBoundedLines(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<BoundedLine> {
  let parts: Uint8Array[] = [];
  let bytes = 0;
  let tooLong = false;
  let number = 0;
  const finish = (): BoundedLine => {
    number += 1;
    let line: BoundedLine;
    if (tooLong) line = { number, bytes, tooLong: true };
    else {
      const text = Buffer.concat(parts).toString('utf8');
      line = { number, bytes, text: text.endsWith('\r') ? text.slice(0, -1) : text };
    }
    parts = [];
    bytes = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of source) {
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let start = 0; start < buffer.length; ) {
      const end = buffer.indexOf(LF, start);
      const piece = buffer.subarray(start, end < 0 ? buffer.length : end);
      bytes += piece.length;
      if (!tooLong && bytes > maxBytes) {
        tooLong = true;
        parts = [];
      } else if (!tooLong && piece.length > 0) {
        parts.push(piece);
      }
      if (end < 0) break;
      yield finish();
      start = end + 1;
    }
  }
  if (bytes > 0) yield finish();
}
