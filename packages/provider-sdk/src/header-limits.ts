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
