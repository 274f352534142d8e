import { outcome, type RecipientOutcome } from '@xport/provider-sdk';
import { parseRetryAfter } from './retry-after.js';

const EXCERPT_BYTES = 300;

/** The first bytes of a response body as one printable line (the rest is never read). */
export async function readExcerpt(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  // eslint-disable-next-line no-control-regex
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * What an HTTP answer means for the recipient: 2xx delivered; 408, 429 and 5xx deferred (honouring
 * Retry-After); 3xx and other 4xx failed permanently with the status and a body excerpt.
 */
export async function classifyResponse(response: Response, target: string, nowMs: number): Promise<RecipientOutcome> {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => undefined);
    return outcome.delivered(`webhook: ${target} answered ${status}`);
  }
  const excerpt = await readExcerpt(response);
  const said = excerpt ? `: ${excerpt}` : '';
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), nowMs);
    return outcome.deferred({ code: '4.0.0', diagnostic: `webhook: ${target} answered ${status}${said}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (response.status >= 300 && response.status < 400) {
    return outcome.failed('5.0.0', `webhook: ${target} answered ${status} (redirects are not followed; use the final URL)`);
  }
  return outcome.failed('5.0.0', `webhook: ${target} answered ${status}${said}`);
}
