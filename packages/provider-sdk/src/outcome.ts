import type { DsnHandOff } from './dsn-request.js';

/**
 * What a transport reports for one recipient of one send attempt — the xport form of MAPI's
 * SubmitMessage/EndMessage results.
 */
export type RecipientOutcome =
  | { readonly status: 'delivered'; readonly diagnostic?: string; readonly handOff?: DsnHandOff }
  | { readonly status: 'deferred'; readonly retryAfterMs?: number; readonly code?: string; readonly diagnostic?: string }
  | { readonly status: 'not-me' }
  | { readonly status: 'failed'; readonly code: string; readonly diagnostic: string };

export type OutcomeStatus = RecipientOutcome['status'];

/**
 * Builders for outcomes.
 *
 * @example
 * return [outcome.delivered(), outcome.failed('5.1.1', 'mailbox unknown'), outcome.deferred({ retryAfterMs: 60_000 })];
 */
export const outcome = {
  delivered(diagnostic?: string, handOff?: DsnHandOff): RecipientOutcome {
    if (handOff !== undefined) return diagnostic === undefined ? { status: 'delivered', handOff } : { status: 'delivered', diagnostic, handOff };
    return diagnostic === undefined ? { status: 'delivered' } : { status: 'delivered', diagnostic };
  },
  deferred(options: { retryAfterMs?: number; code?: string; diagnostic?: string } = {}): RecipientOutcome {
    return { status: 'deferred', ...options };
  },
  notMe(): RecipientOutcome {
    return { status: 'not-me' };
  },
  failed(code: string, diagnostic: string): RecipientOutcome {
    return { status: 'failed', code, diagnostic };
  },
} as const;

/** True when `value` is a well-formed outcome; the kernel treats anything else as a deferral. */
export function isRecipientOutcome(value: unknown): value is RecipientOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  switch (v.status) {
    case 'delivered':
    case 'not-me':
      return true;
    case 'deferred':
      return v.retryAfterMs === undefined || (typeof v.retryAfterMs === 'number' && Number.isFinite(v.retryAfterMs) && v.retryAfterMs >= 0);
    case 'failed':
      return typeof v.code === 'string' && typeof v.diagnostic === 'string';
    default:
      return false;
  }
}
