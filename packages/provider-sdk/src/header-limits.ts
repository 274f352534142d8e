// How much header one message may carry. One definition for every way in: the kernel applies it to
// the extra headers of a submitted message, and a receiving transport (the SMTP listener) to the
// header block of a message while it arrives. A header block is held in memory and read with every
// envelope, so it is bounded where it enters, not where it is stored.

/**
 * Most header fields one message may carry: extra headers at submit, the whole header block of a
 * received message.
 *
 * @example
 * if (Object.keys(headers).length > MAX_HEADER_FIELDS) refuse();
 */
export const MAX_HEADER_FIELDS = 128;

/**
 * Most characters of header one message may carry: the names and values of its extra headers at
 * submit, the raw header block (up to the empty line) of a received message.
 *
 * @example
 * if (headerBytes > MAX_HEADER_BLOCK_CHARS) refuse();
 */
export const MAX_HEADER_BLOCK_CHARS = 64 * 1024;

/**
 * Most characters one header value may have (the subject included): a field this long is already
 * far past what any mail system folds and displays.
 *
 * @example
 * if (subject.length > MAX_HEADER_VALUE_CHARS) refuse();
 */
export const MAX_HEADER_VALUE_CHARS = 16 * 1024;

/**
 * A block of extra headers as the limits count it: its fields, and the characters of their names
 * and values together.
 *
 * @example
 * measureHeaders({ 'X-Tag': 'a' }) // { fields: 1, chars: 6 }
 */
export function measureHeaders(headers: Readonly<Record<string, unknown>>): { readonly fields: number; readonly chars: number } {
  let fields = 0;
  let chars = 0;
  for (const [name, value] of Object.entries(headers)) {
    fields += 1;
    chars += name.length + (typeof value === 'string' ? value.length : 0);
  }
  return { fields, chars };
}

/**
 * Whether extra headers stay within {@link MAX_HEADER_FIELDS} and {@link MAX_HEADER_BLOCK_CHARS}: what
 * a hook checks before it adds a header, so that its rewrite never turns a message submit accepted
 * into one it refuses.
 *
 * @example
 * const tagged = { ...message.headers, 'X-Scanned': 'clean' };
 * return fitsHeaderLimits(tagged) ? { action: 'rewrite', headers: { 'X-Scanned': 'clean' } } : { action: 'pass' };
 */
export function fitsHeaderLimits(headers: Readonly<Record<string, unknown>>): boolean {
  const { fields, chars } = measureHeaders(headers);
  return fields <= MAX_HEADER_FIELDS && chars <= MAX_HEADER_BLOCK_CHARS;
}
