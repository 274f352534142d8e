import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `sha256=<hex HMAC>` of `<timestamp>.<body>`. */
export const SIGNATURE_HEADER = 'x-xport-signature';
/** Header carrying the signing time, Unix seconds: receivers refuse old ones (replay). */
export const TIMESTAMP_HEADER = 'x-xport-timestamp';

/**
 * The signature of a webhook body: HMAC-SHA256 over `<timestamp>.<body>`, as `sha256=<hex>`.
 * Signing the timestamp with the body lets a receiver refuse a replayed request.
 *
 * @example
 * signWebhookBody('my-signing-secret-123', 1735689600, '{"subject":"hi"}') // 'sha256=…'
 */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Checks a received webhook: the signature matches (constant-time) and the timestamp is within
 * `toleranceSeconds` of `now` (default 300 s). For receivers; the transport only signs.
 *
 * @example
 * const ok = verifyWebhookSignature({ secret, body, timestamp: req.headers['x-xport-timestamp'], signature: req.headers['x-xport-signature'] });
 */
export function verifyWebhookSignature(input: {
  readonly secret: string;
  readonly body: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly toleranceSeconds?: number;
  readonly nowMs?: number;
}): boolean {
  const timestamp = Number(input.timestamp);
  if (!Number.isInteger(timestamp) || input.signature === undefined) return false;
  const now = Math.floor((input.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhookBody(input.secret, timestamp, input.body));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
