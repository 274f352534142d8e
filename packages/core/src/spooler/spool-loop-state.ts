/**
 * The spool loop's state and the one pure function that changes it. The loop (spool-loop.ts) only
 * performs effects — claims, sends, timers, logs — and reports each step here as an event; every
 * decision it makes reads this state.
 *
 * Lifecycle:  new ──start──▶ running ──stop──▶ stopping ──stopped──▶ stopped ──start──▶ running
 * Drain:      idle ──wake (running)──▶ draining ──drain-ended──▶ idle
 *             A drain runs claim rounds while `again` is set: a wake during a drain, or a round
 *             that filled its batch, sets it; each round clears it as it begins.
 *
 * Invariants (test/spooler/spool-loop-state.test.ts checks them in every state reachable by any
 * sequence of events):
 *  1. The timer is armed only while running.
 *  2. `again` is set only while draining.
 *  3. A drain starts only while running; stopping waits for it, so once stopped none is under way.
 *  4. A drain starts with a fresh record: `onlyPutOff` set, `sendsStarted`, `putBack` and `failed`
 *     clear; events change the record only while draining.
 *  5. After start and after flush the next look sweeps (`sweepDueAt` is -Infinity).
 *  6. `claimFailures` counts the drains that failed in a row; a drain that did not fail resets it.
 */
export type SpoolLoopLifecycle = 'new' | 'running' | 'stopping' | 'stopped';

/** What one drain did, read when it ends to decide whether the next wake time must be read. */
export interface DrainRecord {
  /** Every round only put its claim off (limits full, results unrecorded): no due time moved, and the send that frees room wakes the loop. */
  readonly onlyPutOff: boolean;
  /** A send was handed over: its release wakes the loop again. */
  readonly sendsStarted: boolean;
  /** Claims went back to the queue for a later time of their own (rate limit, or stopping). */
  readonly putBack: boolean;
  /** A claim round threw. */
  readonly failed: boolean;
}

export interface SpoolLoopState {
  readonly lifecycle: SpoolLoopLifecycle;
  readonly drain: 'idle' | 'draining';
  /** Run one more claim round before the drain ends. */
  readonly again: boolean;
  /** A timer will wake the loop (the next due time, a rate token, or `pollMs`). */
  readonly timerArmed: boolean;
  /** When the next sweep of stranded recipients is due, on the spooler's clock. */
  readonly sweepDueAt: number;
  /** Drains that failed in a row: the first is logged as an error, the one after the last as a recovery. */
  readonly claimFailures: number;
  readonly record: DrainRecord;
}

export type SpoolLoopEvent =
  | { readonly type: 'start' }
  | { readonly type: 'stop' }
  | { readonly type: 'stopped' }
  | { readonly type: 'wake' }
  | { readonly type: 'round-started' }
  | { readonly type: 'sweep-started'; readonly nextSweepAt: number }
  /** A provider had room under its limits: a claim is sized for it. */
  | { readonly type: 'room-found' }
  | { readonly type: 'no-transport-available' }
  | { readonly type: 'batch-filled' }
  | { readonly type: 'send-started' }
  | { readonly type: 'claims-put-back' }
  | { readonly type: 'drain-failed' }
  | { readonly type: 'drain-ended' }
  | { readonly type: 'timer-armed' }
  | { readonly type: 'timer-fired' }
  | { readonly type: 'flush' };

export type SpoolLoopEventType = SpoolLoopEvent['type'];

const FRESH_RECORD: DrainRecord = Object.freeze({ onlyPutOff: true, sendsStarted: false, putBack: false, failed: false });

export const INITIAL_SPOOL_LOOP_STATE: SpoolLoopState = Object.freeze({
  lifecycle: 'new',
  drain: 'idle',
  again: false,
  timerArmed: false,
  sweepDueAt: -Infinity,
  claimFailures: 0,
  record: FRESH_RECORD,
});

/** The record with `key` set to `value`; the same object when it already is (most events repeat). */
function withRecord(s: SpoolLoopState, key: keyof DrainRecord, value: boolean): SpoolLoopState {
  if (s.drain !== 'draining' || s.record[key] === value) return s;
  return { ...s, record: { ...s.record, [key]: value } };
}

/**
 * The state after `event`. Total: an event that does not apply in a state (a wake while stopped, a
 * second start) leaves it as it is, and the same object is returned when nothing changes.
 */
export function nextSpoolLoopState(s: SpoolLoopState, event: SpoolLoopEvent): SpoolLoopState {
  switch (event.type) {
    case 'start':
      return s.lifecycle === 'new' || s.lifecycle === 'stopped' ? { ...s, lifecycle: 'running', sweepDueAt: -Infinity } : s;
    case 'stop':
      return s.lifecycle === 'running' ? { ...s, lifecycle: 'stopping', timerArmed: false } : s;
    case 'stopped':
      return s.lifecycle === 'stopping' && s.drain === 'idle' ? { ...s, lifecycle: 'stopped' } : s;
    case 'wake':
      if (s.lifecycle !== 'running') return s;
      if (s.drain === 'idle') return { ...s, drain: 'draining', again: true, record: FRESH_RECORD };
      return s.again ? s : { ...s, again: true };
    case 'round-started':
      return s.drain === 'draining' && s.again ? { ...s, again: false } : s;
    case 'batch-filled':
      return s.drain === 'draining' && !s.again ? { ...s, again: true } : s;
    case 'sweep-started':
      if (s.drain !== 'draining') return s;
      return { ...s, sweepDueAt: event.nextSweepAt, record: s.record.onlyPutOff ? { ...s.record, onlyPutOff: false } : s.record };
    case 'room-found':
    case 'no-transport-available':
      return withRecord(s, 'onlyPutOff', false);
    case 'send-started':
      return withRecord(s, 'sendsStarted', true);
    case 'claims-put-back':
      return withRecord(s, 'putBack', true);
    case 'drain-failed':
      return s.drain === 'draining' ? { ...s, record: { ...s.record, onlyPutOff: false, failed: true } } : s;
    case 'drain-ended':
      if (s.drain !== 'draining') return s;
      return { ...s, drain: 'idle', again: false, claimFailures: s.record.failed ? s.claimFailures + 1 : 0 };
    case 'timer-armed':
      return s.lifecycle === 'running' && !s.timerArmed ? { ...s, timerArmed: true } : s;
    case 'timer-fired':
      return s.timerArmed ? { ...s, timerArmed: false } : s;
    case 'flush':
      return s.lifecycle === 'running' ? { ...s, sweepDueAt: -Infinity } : s;
  }
}

/** Whether the drain runs another claim round. */
export function drainsAgain(s: SpoolLoopState): boolean {
  return s.again && s.lifecycle === 'running';
}

/**
 * Whether the drain that just ended must read the next wake time (a store round trip) and arm the
 * timer. Not when a wake is certain anyway — every round was only put off, or sends are out and
 * nothing was put back for a time of its own — and a timer is armed: while sends are out, each
 * one's release drains again, and the last drain that finds nothing reads it.
 */
export function readsNextWake(s: SpoolLoopState): boolean {
  const { onlyPutOff, sendsStarted, putBack } = s.record;
  const wakesAgain = onlyPutOff || (sendsStarted && !putBack);
  return !wakesAgain || !s.timerArmed;
}
