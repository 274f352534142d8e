import { XportError, type HookProvider, type Logger } from '@xport/provider-sdk';
import type { HookEntry } from './host.js';

export type HookDirection = 'outbound' | 'inbound';

/** An online hook that judges the direction at hand. */
export interface JudgingHook {
  readonly id: string;
  readonly hook: HookProvider;
}

/**
 * Whether a hook judges messages going `direction`. A loaded hook says so with its methods; one that
 * never loaded (invalid manifest or configuration, import failed) cannot, so it judges both.
 */
function judges(entry: HookEntry, direction: HookDirection): boolean {
  return entry.hook === undefined || typeof entry.hook[direction] === 'function';
}

function describeDown(entry: HookEntry): string {
  const why = entry.lastError ? `: ${entry.lastError.code} ${entry.lastError.message}` : '';
  return `is not online (state ${entry.state}${why})`;
}

function toUnavailable(entry: HookEntry, direction: HookDirection): XportError {
  const outcome = direction === 'outbound' ? 'the message was not queued' : 'the message was not accepted; the sender should try again later';
  return new XportError(
    'XPORT_HOOK_UNAVAILABLE',
    `${direction} hook '${entry.id}' ${describeDown(entry)}; ${outcome} (policy fails closed: a hook whose manifest says "advisory": true is passed by instead)`,
    { details: { hook: entry.id, state: entry.state, ...(entry.lastError ? { lastErrorCode: entry.lastError.code } : {}) } },
  );
}

/**
 * Decides which hooks judge a message before any of them runs. An online hook with a method for the
 * direction judges it. An enabled hook that is not online and would judge it refuses the message with
 * `XPORT_HOOK_UNAVAILABLE` (a policy that failed to load must not let everything through), unless it
 * is advisory: then it is passed by, with a warning once per hook and state rather than per message.
 */
export function createHookGate(logger: Logger) {
  // Hook id → the state and error last warned about; cleared when the hook is back online.
  const warned = new Map<string, string>();
  return {
    select(entries: readonly HookEntry[], direction: HookDirection): JudgingHook[] {
      const judging: JudgingHook[] = [];
      for (const entry of entries) {
        if (entry.state === 'online' && entry.hook !== undefined) {
          if (warned.size > 0) warned.delete(entry.id);
          if (typeof entry.hook[direction] === 'function') judging.push({ id: entry.id, hook: entry.hook });
          continue;
        }
        if (!judges(entry, direction)) continue;
        if (!entry.advisory) throw toUnavailable(entry, direction);
        const seen = `${entry.state} ${entry.lastError?.code ?? ''}`;
        if (warned.get(entry.id) !== seen) {
          warned.set(entry.id, seen);
          logger.warn(`advisory hook '${entry.id}' ${describeDown(entry)}; messages pass it unchecked until it is back`, {
            code: 'XPORT_HOOK_UNAVAILABLE',
            hook: entry.id,
            state: entry.state,
          });
        }
      }
      return judging;
    },
  };
}

export type HookGate = ReturnType<typeof createHookGate>;
