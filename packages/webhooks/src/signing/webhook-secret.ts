import { XportError } from '@xport/provider-sdk';

/** The prefix the Standard Webhooks specification gives a symmetric signing secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The HMAC key of a Standard Webhooks secret: `whsec_` then the base64 of 24 to 64 random bytes
 * (192 to 512 bits, as the specification asks). Throws `XPORT_WEBHOOK_SECRET_INVALID` naming
 * `where` (the endpoint and credential), never the value.
 *
 * @example
 * const key = toWebhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'webhook "orders"'); // 24 bytes
 */
export function toWebhookKey(secret: string, where: string): Buffer {
  const refuse = (problem: string): never => {
    throw new XportError('XPORT_WEBHOOK_SECRET_INVALID', `${where}: the signing secret ${problem}; create one with: echo "whsec_$(openssl rand -base64 32)"`, { details: { where } });
  };
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) refuse(`must start with "${WEBHOOK_SECRET_PREFIX}"`);
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) refuse(`must be "${WEBHOOK_SECRET_PREFIX}" followed by base64 (A-Z a-z 0-9 + /, padded with =)`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) refuse(`must encode ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes (it encodes ${key.length})`);
  return key;
}
