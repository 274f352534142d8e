/** Room for the JSON around the content: envelope, recipients, headers, field names. */
const ENVELOPE_ALLOWANCE_BYTES = 1024 * 1024;

/**
 * The largest `POST /v1/messages` body: a message of `maxMessageBytes` still fits when all of it
 * is attachments in base64 (4 characters per 3 bytes), plus 1 MiB for the rest of the JSON. A body
 * within this limit whose content is over `maxMessageBytes` is the kernel's refusal (422).
 *
 * @example
 * toBodyLimit(26_214_400) // 36_001_112: 25 MiB of content as base64, plus 1 MiB
 */
export function toBodyLimit(maxMessageBytes: number): number {
  return Math.ceil(maxMessageBytes / 3) * 4 + ENVELOPE_ALLOWANCE_BYTES;
}
