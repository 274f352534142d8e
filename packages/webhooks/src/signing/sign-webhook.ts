import { createHmac, timingSafeEqual } from 'node:crypto';
import { toWebhookKey } from './webhook-secret.js';

/** What one attempt signs: the event's id (the same on every retry), the attempt's time, the exact body sent. */
export interface SignedContent {
  /** `webhook-id`: no `.` (it delimits the signed content). */
  readonly id: string;
  /** `webhook-timestamp`: seconds since the epoch, of this attempt. */
  readonly timestamp: number;
  /** The request body, byte for byte as sent. */
  readonly body: string;
}

/** The three headers of a Standard Webhooks request. A type, not an interface, so it passes where a header record is asked for (`verifyWebhook`, `fetch`). */
export type WebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

const hmac = (key: Buffer, content: SignedContent): Buffer => createHmac('sha256', key).update(`${content.id}.${content.timestamp}.${content.body}`, 'utf8').digest();

/**
 * The `webhook-signature` value of a request: `v1,` and the base64 HMAC-SHA256 of
 * `{id}.{timestamp}.{body}` under `key` (from {@link toWebhookKey}), as the Standard Webhooks
 * specification defines it.
 *
 * @example
 * const key = toWebhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'example');
 * signWebhook(key, { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}' });
 * // 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
 */
export function signWebhook(key: Buffer, content: SignedContent): string {
  return `v1,${hmac(key, content).toString('base64')}`;
}

/**
 * The headers of a signed request, for {@link signWebhook}'s content.
 *
 * @example
 * const headers = toWebhookHeaders(key, { id: 'evt_42', timestamp: Math.floor(Date.now() / 1000), body });
 */
export function toWebhookHeaders(key: Buffer, content: SignedContent): WebhookHeaders {
  return { 'webhook-id': content.id, 'webhook-timestamp': String(content.timestamp), 'webhook-signature': signWebhook(key, content) };
}

export interface VerifyOptions {
  /** How far the timestamp may be from now, in seconds. Default 300 (the specification's libraries use 5 minutes). */
  readonly toleranceSeconds?: number;
  /** Now, in ms since the epoch. Default `Date.now()`. */
  readonly now?: number;
}

/**
 * For a receiver written in Node: true when `headers` carry a valid `v1` signature of `body` under
 * `secret` (`whsec_…`) and a timestamp within the tolerance. Compares in constant time; accepts the
 * space-separated list of signatures the specification allows (secret rotation).
 *
 * @example
 * // in a node:http handler, with the raw body as a string:
 * if (!verifyWebhook(process.env.WEBHOOK_SECRET!, req.headers, body)) { res.statusCode = 401; return res.end(); }
 */
export function verifyWebhook(secret: string, headers: Readonly<Record<string, string | string[] | undefined>>, body: string, options: VerifyOptions = {}): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string' || !/^\d+$/.test(timestamp)) return false;
  const seconds = Number(timestamp);
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) return false;
  const expected = hmac(toWebhookKey(secret, 'verifyWebhook'), { id, timestamp: seconds, body });
  let valid = false;
  for (const candidate of signatures.split(' ')) {
    const [version, value] = candidate.split(',', 2);
    if (version !== 'v1' || value === undefined) continue;
    const given = Buffer.from(value, 'base64');
    valid = (given.length === expected.length && timingSafeEqual(given, expected)) || valid;
  }
  return valid;
}
