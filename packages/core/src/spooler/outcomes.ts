import { formatRecipient, isRecipientOutcome, type Claim, type ClaimResult, type RecipientError, type RecipientOutcome, type TransportProvider } from '@xport/provider-sdk';
import { destinationOf } from './destination-of.js';
import { computeNextAttempt } from './next-attempt.js';
import type { RetryOptions, RoutingView } from './host.js';
import { nextProviderAfter } from './route-recipients.js';
import { SpoolerEnhancedStatus } from './enhanced-status.js';

/** A deferral the spooler decides on a transport's behalf (it threw, timed out, or answered nonsense). */
export function toDeferral(code: string, diagnostic: string): RecipientOutcome {
  return { status: 'deferred', code, diagnostic };
}

/**
 * One outcome per recipient, whatever the transport returned: a single outcome applies to all; a
 * list of the wrong length defers everyone; an entry that is not an outcome defers that recipient.
 * Nothing a transport returns can lose a recipient.
 */
export function normalizeOutcomes(raw: unknown, count: number, providerId: string): RecipientOutcome[] {
  if (isRecipientOutcome(raw)) return Array.from({ length: count }, () => raw);
  if (!Array.isArray(raw)) {
    return Array.from({ length: count }, () => toDeferral(SpoolerEnhancedStatus.badOutcome, `transport '${providerId}' returned no outcome (got ${describe(raw)})`));
  }
  if (raw.length !== count) {
    const why = `transport '${providerId}' returned ${raw.length} outcomes for ${count} recipients`;
    return Array.from({ length: count }, () => toDeferral(SpoolerEnhancedStatus.badOutcome, why));
  }
  return raw.map((item: unknown, i) =>
    isRecipientOutcome(item) ? item : toDeferral(SpoolerEnhancedStatus.badOutcome, `transport '${providerId}' returned a malformed outcome at ${i} (got ${describe(item)})`),
  );
}

function describe(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 120);
  } catch {
    return typeof value;
  }
}

/** The error of a recipient that outlived the retry lifetime. */
export function expiredError(submittedAt: number, expiresAt: number, last?: RecipientError): RecipientError {
  const hours = Math.round(((expiresAt - submittedAt) / 3_600_000) * 10) / 10;
  return {
    code: SpoolerEnhancedStatus.expired,
    diagnostic: `message expired: not delivered within ${hours} h${last ? `; last error ${last.code} ${last.diagnostic}` : ''}`,
  };
}

export interface OutcomeContext {
  readonly claim: Claim;
  readonly now: number;
  readonly submittedAt: number;
  readonly expiresAt: number;
  readonly retry: RetryOptions;
  readonly routing: RoutingView;
  /** The transports by id, to name a handed-over recipient's destination under the next one (its address type without). */
  readonly transport?: (id: string) => TransportProvider | undefined;
  readonly random?: () => number;
}

/**
 * What becomes of a claimed recipient given its transport's outcome: delivered and failed are final;
 * a deferral waits for the retry-after or the backoff, or expires past the lifetime; not-me hands the
 * recipient to the next transport for its type without counting an attempt, or fails when none is left.
 */
export function toClaimResult(outcome: RecipientOutcome, ctx: OutcomeContext): ClaimResult {
  const { claim, now } = ctx;
  switch (outcome.status) {
    case 'delivered':
      return { state: 'delivered' };
    case 'failed':
      return { state: 'failed', error: { code: outcome.code, diagnostic: outcome.diagnostic } };
    case 'not-me': {
      const next = nextProviderAfter(ctx.routing, claim.recipient.type, claim.provider);
      if (next !== null) return { state: 'queued', provider: next, nextAttemptAt: now, destination: destinationOf(ctx.transport?.(next), claim.recipient) };
      return {
        state: 'failed',
        error: {
          code: SpoolerEnhancedStatus.noTransportAccepted,
          diagnostic: `no transport accepted ${formatRecipient(claim.recipient)}: '${claim.provider}', the last for address type ${claim.recipient.type}, answered not-me`,
        },
      };
    }
    case 'deferred': {
      const error: RecipientError = {
        code: outcome.code ?? SpoolerEnhancedStatus.deferred,
        diagnostic: outcome.diagnostic ?? `deferred by transport '${claim.provider}'`,
      };
      if (now >= ctx.expiresAt) return { state: 'expired', error: expiredError(ctx.submittedAt, ctx.expiresAt, error) };
      const nextAttemptAt = computeNextAttempt({
        now,
        attempts: claim.attempts + 1,
        ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}),
        expiresAt: ctx.expiresAt,
        retry: ctx.retry,
        ...(ctx.random ? { random: ctx.random } : {}),
      });
      return { state: 'deferred', nextAttemptAt, error, countAttempt: true };
    }
  }
}
