import {
  sameAddressType,
  XportError,
  type AssignedRecipient,
  type OutboundMessage,
  type Preprocessor,
  type RecipientOutcome,
  type TransportProvider,
} from '@xport/provider-sdk';
import { normalizeOutcomes, toDeferral } from './outcomes.js';
import { SpoolerStatus } from './status-codes.js';

export interface SendAttempt {
  readonly providerId: string;
  readonly transport: TransportProvider;
  readonly message: OutboundMessage;
  readonly recipients: readonly AssignedRecipient[];
  readonly timeoutMs: number;
  /** Aborted when the spooler stops and gives up waiting. */
  readonly stopSignal: AbortSignal;
}

/** Outcomes, one per recipient; or `stopped` when the spooler's stop cut the attempt short. */
export type SendAttemptResult = { readonly kind: 'outcomes'; readonly outcomes: RecipientOutcome[] } | { readonly kind: 'stopped' };

function preprocessorsFor(transport: TransportProvider, recipients: readonly AssignedRecipient[]): Preprocessor[] {
  return (transport.preprocessors ?? []).filter((p) =>
    p.addressTypes.some((type) => recipients.some((r) => sameAddressType(type, r.recipient.type))),
  );
}

/**
 * One hand-over to a transport: its preprocessors for these address types, then `send`, bounded by
 * `sendTimeoutMs` (the signal is aborted and the attempt counts as a deferral). A throw or a broken
 * preprocessor defers every recipient. The wait is raced against the signal, so a transport that
 * ignores its signal cannot hold the spooler.
 */
export async function attemptSend(attempt: SendAttempt): Promise<SendAttemptResult> {
  const { providerId, transport, recipients } = attempt;
  const controller = new AbortController();
  let reason: 'timeout' | 'stop' | undefined;
  const cut = (why: 'timeout' | 'stop'): void => {
    reason ??= why;
    controller.abort(
      new XportError('XPORT_PROVIDER_UNAVAILABLE', `send to transport '${providerId}' aborted: ${why === 'timeout' ? `no answer within ${attempt.timeoutMs} ms` : 'the spooler is stopping'}`),
    );
  };
  const timer = setTimeout(() => cut('timeout'), attempt.timeoutMs);
  const onStop = (): void => cut('stop');
  if (attempt.stopSignal.aborted) onStop();
  else attempt.stopSignal.addEventListener('abort', onStop, { once: true });
  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  const bounded = <T>(work: () => T | Promise<T>): Promise<T> => Promise.race([Promise.resolve().then(work), aborted]);

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
    const raw = await bounded(() => transport.send(final, recipients, { signal: controller.signal }));
    return { kind: 'outcomes', outcomes: normalizeOutcomes(raw, recipients.length, providerId) };
  } catch (err) {
    if (reason === 'stop') return { kind: 'stopped' };
    const deferral =
      reason === 'timeout'
        ? toDeferral(SpoolerStatus.timeout, `transport '${providerId}' did not answer within ${attempt.timeoutMs} ms`)
        : toDeferral(SpoolerStatus.transportError, `transport '${providerId}' threw: ${err instanceof Error ? err.message : String(err)}`);
    return { kind: 'outcomes', outcomes: recipients.map(() => deferral) };
  } finally {
    clearTimeout(timer);
    attempt.stopSignal.removeEventListener('abort', onStop);
  }
}
