import { describe, expect, it } from 'vitest';
import {
  drainsAgain,
  INITIAL_SPOOL_LOOP_STATE,
  nextSpoolLoopState,
  readsNextWake,
  type SpoolLoopEvent,
  type SpoolLoopState,
} from '../../src/spooler/spool-loop-state.js';

const FRESH = { onlyPutOff: true, sendsStarted: false, putBack: false, failed: false };

/** The state after `events`, one by one, from `from`. */
function after(events: ReadonlyArray<SpoolLoopEvent | SpoolLoopEvent['type']>, from: SpoolLoopState = INITIAL_SPOOL_LOOP_STATE): SpoolLoopState {
  return events.reduce<SpoolLoopState>((s, e) => nextSpoolLoopState(s, typeof e === 'string' ? ({ type: e } as SpoolLoopEvent) : e), from);
}

const running = after(['start']);
const draining = after(['start', 'wake']);

describe('spool loop transitions: lifecycle', () => {
  it('starts from new and from stopped, sweeping at the next look', () => {
    expect(running).toMatchObject({ lifecycle: 'running', drain: 'idle', timerArmed: false, sweepDueAt: -Infinity });
    const restarted = after(['stop', 'stopped', 'start'], { ...running, sweepDueAt: 500 });
    expect(restarted).toMatchObject({ lifecycle: 'running', sweepDueAt: -Infinity });
  });

  it('ignores a start while running or stopping', () => {
    const armed = after(['timer-armed'], running);
    expect(nextSpoolLoopState(armed, { type: 'start' })).toBe(armed);
    const stopping = after(['stop'], running);
    expect(nextSpoolLoopState(stopping, { type: 'start' })).toBe(stopping);
  });

  it('stop disarms the timer; stopped waits for the drain to end', () => {
    const stopping = after(['timer-armed', 'wake', 'stop'], running);
    expect(stopping).toMatchObject({ lifecycle: 'stopping', timerArmed: false, drain: 'draining' });
    expect(nextSpoolLoopState(stopping, { type: 'stopped' })).toBe(stopping);
    expect(after(['drain-ended', 'stopped'], stopping)).toMatchObject({ lifecycle: 'stopped', drain: 'idle' });
  });

  it('takes no stop before start, and no stopped without a stop', () => {
    expect(nextSpoolLoopState(INITIAL_SPOOL_LOOP_STATE, { type: 'stop' })).toBe(INITIAL_SPOOL_LOOP_STATE);
    expect(nextSpoolLoopState(running, { type: 'stopped' })).toBe(running);
  });
});

describe('spool loop transitions: drains', () => {
  it('a wake while running and idle starts a drain with a fresh record', () => {
    const dirty = { ...running, record: { onlyPutOff: false, sendsStarted: true, putBack: true, failed: true } };
    expect(nextSpoolLoopState(dirty, { type: 'wake' })).toMatchObject({ drain: 'draining', again: true, record: FRESH });
  });

  it('a wake while not running changes nothing', () => {
    expect(nextSpoolLoopState(INITIAL_SPOOL_LOOP_STATE, { type: 'wake' })).toBe(INITIAL_SPOOL_LOOP_STATE);
    const stopping = after(['stop'], draining);
    expect(nextSpoolLoopState(after(['round-started'], stopping), { type: 'wake' }).again).toBe(false);
  });

  it('a wake during a drain asks for one more round and keeps the record', () => {
    const inRound = after(['round-started', 'room-found', 'send-started'], draining);
    const woken = nextSpoolLoopState(inRound, { type: 'wake' });
    expect(woken).toMatchObject({ again: true, record: { onlyPutOff: false, sendsStarted: true } });
    expect(drainsAgain(woken)).toBe(true);
  });

  it('each round clears again; a full batch sets it; a stop ends the rounds', () => {
    const inRound = after(['round-started'], draining);
    expect(drainsAgain(inRound)).toBe(false);
    expect(drainsAgain(after(['batch-filled'], inRound))).toBe(true);
    expect(drainsAgain(after(['batch-filled', 'stop'], inRound))).toBe(false);
  });

  it('records what the drain did: room found, no transport, sends, claims put back, failure', () => {
    const inRound = after(['round-started'], draining);
    expect(after(['room-found'], inRound).record.onlyPutOff).toBe(false);
    expect(after(['no-transport-available'], inRound).record.onlyPutOff).toBe(false);
    expect(after([{ type: 'sweep-started', nextSweepAt: 900 }], inRound)).toMatchObject({ sweepDueAt: 900, record: { onlyPutOff: false } });
    expect(after(['send-started'], inRound).record).toEqual({ ...FRESH, sendsStarted: true });
    expect(after(['claims-put-back'], inRound).record).toEqual({ ...FRESH, putBack: true });
    expect(after(['drain-failed'], inRound).record).toEqual({ ...FRESH, onlyPutOff: false, failed: true });
  });

  it('ends a drain idle with again clear, and counts failed drains in a row', () => {
    const failedOnce = after(['round-started', 'batch-filled', 'drain-failed', 'drain-ended'], draining);
    expect(failedOnce).toMatchObject({ drain: 'idle', again: false, claimFailures: 1 });
    const failedTwice = after(['wake', 'round-started', 'drain-failed', 'drain-ended'], failedOnce);
    expect(failedTwice.claimFailures).toBe(2);
    expect(after(['wake', 'round-started', 'drain-ended'], failedTwice).claimFailures).toBe(0);
  });

  it('a flush sweeps at the next look, only while running', () => {
    const swept = after(['wake', { type: 'sweep-started', nextSweepAt: 60_000 }, 'drain-ended'], running);
    expect(swept.sweepDueAt).toBe(60_000);
    expect(nextSpoolLoopState(swept, { type: 'flush' }).sweepDueAt).toBe(-Infinity);
    expect(nextSpoolLoopState(INITIAL_SPOOL_LOOP_STATE, { type: 'flush' })).toBe(INITIAL_SPOOL_LOOP_STATE);
  });

  it('arms the timer only while running; a fired timer is disarmed', () => {
    expect(after(['timer-armed'], running).timerArmed).toBe(true);
    expect(after(['timer-armed', 'timer-fired'], running).timerArmed).toBe(false);
    expect(nextSpoolLoopState(after(['stop'], running), { type: 'timer-armed' }).timerArmed).toBe(false);
  });
});

describe('readsNextWake: whether an ended drain reads the next wake time', () => {
  const ended = (record: Partial<typeof FRESH>, timerArmed: boolean): SpoolLoopState => ({ ...running, timerArmed, record: { ...FRESH, ...record } });

  it('reads it when no wake is certain', () => {
    expect(readsNextWake(ended({ onlyPutOff: false }, true))).toBe(true);
    expect(readsNextWake(ended({ onlyPutOff: false, sendsStarted: true, putBack: true }, true))).toBe(true);
  });

  it('skips it when a wake is certain and a timer is armed', () => {
    expect(readsNextWake(ended({}, true))).toBe(false);
    expect(readsNextWake(ended({ onlyPutOff: false, sendsStarted: true }, true))).toBe(false);
  });

  it('reads it whenever no timer is armed', () => {
    expect(readsNextWake(ended({}, false))).toBe(true);
    expect(readsNextWake(ended({ onlyPutOff: false, sendsStarted: true }, false))).toBe(true);
  });
});

const EVENT_TYPES: ReadonlyArray<SpoolLoopEvent['type']> = [
  'start', 'stop', 'stopped', 'wake', 'round-started', 'sweep-started', 'room-found', 'no-transport-available',
  'batch-filled', 'send-started', 'claims-put-back', 'drain-failed', 'drain-ended', 'timer-armed', 'timer-fired', 'flush',
];

/** A small deterministic generator (mulberry32), so a failing walk can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every invariant written beside the state that the transition `before` → `next` by `event` breaks (by number). */
function brokenInvariants(before: SpoolLoopState, event: SpoolLoopEvent, next: SpoolLoopState): number[] {
  const broken: number[] = [];
  const starts = before.drain === 'idle' && next.drain === 'draining';
  // 1. The timer is armed only while running.
  if (next.timerArmed && next.lifecycle !== 'running') broken.push(1);
  // 2. `again` is set only while draining.
  if (next.again && next.drain !== 'draining') broken.push(2);
  // 3. A drain starts only while running; once stopped (or before start) none is under way.
  if ((starts && before.lifecycle !== 'running') || ((next.lifecycle === 'stopped' || next.lifecycle === 'new') && next.drain !== 'idle')) broken.push(3);
  // 4. A drain starts with a fresh record, and the record changes only while draining.
  if (starts ? JSON.stringify(next.record) !== JSON.stringify(FRESH) : before.drain === 'idle' && next.record !== before.record) broken.push(4);
  // 5. After start and flush the next look sweeps.
  if ((event.type === 'start' || event.type === 'flush') && next !== before && next.sweepDueAt !== -Infinity) broken.push(5);
  // 6. claimFailures counts failed drains in a row.
  const ended = event.type === 'drain-ended' && before.drain === 'draining';
  if (next.claimFailures !== (ended ? (before.record.failed ? before.claimFailures + 1 : 0) : before.claimFailures)) broken.push(6);
  return broken;
}

describe('spool loop state invariants', () => {
  it('hold in every state reached by 300 random walks of 200 events', () => {
    const random = seeded(20261202);
    const violations: string[] = [];
    const reached = new Set<string>();
    for (let walk = 0; walk < 300; walk++) {
      let s = INITIAL_SPOOL_LOOP_STATE;
      for (let step = 0; step < 200; step++) {
        const type = EVENT_TYPES[Math.floor(random() * EVENT_TYPES.length)]!;
        const event = (type === 'sweep-started' ? { type, nextSweepAt: step } : { type }) as SpoolLoopEvent;
        const next = nextSpoolLoopState(s, event);
        const broken = brokenInvariants(s, event, next);
        if (broken.length > 0) violations.push(`invariants ${broken.join(', ')}: ${JSON.stringify(s)} --${type}--> ${JSON.stringify(next)}`);
        reached.add(`${next.lifecycle}/${next.drain}`);
        s = next;
      }
    }
    expect(violations.slice(0, 3)).toEqual([]);
    // The walks went everywhere the loop can be.
    expect([...reached].sort()).toEqual(['new/idle', 'running/draining', 'running/idle', 'stopped/idle', 'stopping/draining', 'stopping/idle']);
  });

  it('the invariant check catches a wrong transition', () => {
    // A stop that left the timer armed, and a drain that began with the last one's record.
    const armed = after(['timer-armed'], running);
    expect(brokenInvariants(armed, { type: 'stop' }, { ...armed, lifecycle: 'stopping' })).toEqual([1]);
    const dirty = { ...running, record: { ...FRESH, putBack: true } };
    expect(brokenInvariants(dirty, { type: 'wake' }, { ...dirty, drain: 'draining', again: true })).toEqual([4]);
  });

  it('is pure: the state it is given is never changed', () => {
    const before = after(['round-started', 'send-started'], draining);
    const copy = structuredClone(before);
    for (const type of EVENT_TYPES) nextSpoolLoopState(before, (type === 'sweep-started' ? { type, nextSweepAt: 1 } : { type }) as SpoolLoopEvent);
    expect(before).toEqual(copy);
  });
});
