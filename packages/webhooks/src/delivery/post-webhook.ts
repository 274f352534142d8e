import type { WebhookHeaders } from '../signing/sign-webhook.js';

/** What one attempt came to. `message` never holds a secret: it names the URL without query or user info. */
export type AttemptResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly message: string; readonly retryAfterMs?: number; readonly stopped?: boolean };

export interface AttemptRequest {
  readonly url: string;
  readonly headers: WebhookHeaders;
  readonly body: string;
  readonly timeoutMs: number;
  /** Aborted when the dispatcher stops: the attempt ends at once and counts as neither success nor failure. */
  readonly stop: AbortSignal;
}

const USER_AGENT = 'xport-webhooks';

/**
 * The URL as status, logs and errors show it: scheme, host and path, without the query string
 * (where receivers often put a token) and without user info.
 *
 * @example
 * toDisplayUrl('https://hooks.example.org/xport?token=abc'); // 'https://hooks.example.org/xport'
 */
export function toDisplayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
function toRetryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// An answer's body says nothing xport acts on. A short one is read (the connection is then kept for
// the next request); a long or unannounced one is cancelled, so a receiver cannot fill memory.
const MAX_DRAINED_BYTES = 64 * 1024;

async function discardBody(response: Response): Promise<void> {
  const length = Number(response.headers.get('content-length') ?? NaN);
  if (response.body === null || length === 0) return;
  if (length <= MAX_DRAINED_BYTES) await response.arrayBuffer();
  else await response.body.cancel();
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code ?? (typeof cause?.message === 'string' ? cause.message : (error as Error).message);
}

/**
 * One POST of a signed event: success is a 2xx answer. A redirect is a failure (the specification:
 * update the URL instead), and so are every other status, a connection error and no answer within
 * `timeoutMs`. The answer's body is discarded (read only when short, to keep the connection).
 */
export async function postWebhook(request: AttemptRequest): Promise<AttemptResult> {
  const where = `POST ${toDisplayUrl(request.url)}`;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([timeout, request.stop]);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: { ...request.headers, 'content-type': 'application/json', 'user-agent': USER_AGENT },
      body: request.body,
      redirect: 'manual',
      signal,
    });
    await discardBody(response);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    const retryAfterMs = toRetryAfterMs(response.headers.get('retry-after'), Date.now());
    return { ok: false, status: response.status, message: `${where} answered ${response.status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  } catch (error) {
    if (request.stop.aborted) return { ok: false, message: `${where} was cut off: the dispatcher is stopping`, stopped: true };
    if (timeout.aborted) return { ok: false, message: `${where} got no answer within ${request.timeoutMs} ms` };
    return { ok: false, message: `${where} failed: ${describeFailure(error)}` };
  }
}
