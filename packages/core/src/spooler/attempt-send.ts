import {
  sameAddressType,
  type AssignedRecipient,
  type OutboundMessage,
  type Preprocessor,
  type RecipientOutcome,
  type TransportProvider,
} from '@xport/provider-sdk';
import { normalizeOutcomes, toDeferral } from './outcomes.js';
import type { SendDeadline } from './send-deadline.js';
import { SpoolerEnhancedStatus } from './enhanced-status.js';

export interface SendAttempt {
  readonly providerId: string;
  readonly transport: TransportProvider;
  readonly message: OutboundMessage;
  readonly recipients: readonly AssignedRecipient[];
  readonly timeoutMs: number;
  /** The claim round's timeout and stop signal (see `createSendDeadline`). */
  readonly deadline: SendDeadline;
}

/** Outcomes, one per recipient; or `stopped` when the spooler's stop cut the attempt short. */
export type SendAttemptResult = { readonly kind: 'outcomes'; readonly outcomes: RecipientOutcome[] } | { readonly kind: 'stopped' };

const NONE: readonly Preprocessor[] = [];

function preprocessorsFor(transport: TransportProvider, recipients: readonly AssignedRecipient[]): readonly Preprocessor[] {
  const all = transport.preprocessors;
  if (all === undefined || all.length === 0) return NONE;
  return all.filter((p) => p.addressTypes.some((type) => recipients.some((r) => sameAddressType(type, r.recipient.type))));
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * One hand-over to a transport: its preprocessors for these address types, then `send`, bounded by
 * `sendTimeoutMs` (the signal is aborted and the attempt counts as a deferral). A throw or a broken
 * preprocessor defers every recipient. The wait is raced against the signal, so a transport that
 * ignores its signal cannot hold the spooler.
 */
export async function attemptSend(attempt: SendAttempt): Promise<SendAttemptResult> {
  const { providerId, transport, recipients, deadline } = attempt;
  // The work starts at once (a synchronous throw lands in the catch below); only a pending promise is raced.
  const bounded = <T>(work: () => T | Promise<T>): T | Promise<T> => {
    const result = work();
    return isThenable(result) ? Promise.race([result, deadline.aborted]) : result;
  };

  try {
    let message = attempt.message;
    for (const preprocessor of preprocessorsFor(transport, recipients)) {
      const current = message;
      message = await bounded(() => preprocessor.run(current, recipients));
      if (typeof message !== 'object' || message === null || typeof message.openPart !== 'function') {
        throw new Error(`a preprocessor of '${providerId}' returned no message`);
      }
    }
    const final = message;
    const raw = await bounded(() => transport.send(final, recipients, { signal: deadline.signal }));
    return { kind: 'outcomes', outcomes: normalizeOutcomes(raw, recipients.length, providerId) };
  } catch (err) {
    const reason = deadline.reason;
    if (reason === 'stop') return { kind: 'stopped' };
    const deferral =
      reason === 'timeout'
        ? toDeferral(SpoolerEnhancedStatus.timeout, `transport '${providerId}' did not answer within ${attempt.timeoutMs} ms`)
        : toDeferral(SpoolerEnhancedStatus.transportError, `transport '${providerId}' threw: ${err instanceof Error ? err.message : String(err)}`);
    return { kind: 'outcomes', outcomes: recipients.map(() => deferral) };
  }
}
