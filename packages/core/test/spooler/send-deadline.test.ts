import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSendDeadline, joinWindowFor } from '../../src/spooler/send-deadline.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('send deadline', () => {
  it('takes sends of later rounds only within its join window, and only while open and not aborted', () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    const deadline = createSendDeadline('fx', 1000, stop.signal, 100);
    deadline.enter();
    expect(deadline.joinable()).toBe(true);
    vi.advanceTimersByTime(99);
    expect(deadline.joinable()).toBe(true);
    vi.advanceTimersByTime(1);
    expect(deadline.joinable()).toBe(false);
    deadline.leave();

    const closed = createSendDeadline('fx', 1000, stop.signal, 100);
    closed.enter();
    closed.leave();
    expect(closed.open).toBe(false);
    expect(closed.joinable()).toBe(false);

    const stopped = createSendDeadline('fx', 1000, stop.signal, 100);
    stopped.enter();
    stop.abort();
    expect(stopped.reason).toBe('stop');
    expect(stopped.joinable()).toBe(false);
  });

  it('gives every send at least the timeout: the timer runs the timeout plus the join window', async () => {
    vi.useFakeTimers();
    const deadline = createSendDeadline('fx', 1000, new AbortController().signal, 100);
    deadline.enter();
    // A send joining at the end of the window still has its whole timeout.
    vi.advanceTimersByTime(99);
    deadline.enter();
    vi.advanceTimersByTime(1000);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.reason).toBe('timeout');
    await expect(deadline.aborted).rejects.toMatchObject({ code: 'XPORT_SEND_TIMEOUT', message: expect.stringContaining('no answer within 1000 ms') });
  });

  it('without a join window takes no sends after its own round and times out at the timeout', () => {
    vi.useFakeTimers();
    const deadline = createSendDeadline('fx', 50, new AbortController().signal);
    deadline.enter();
    expect(deadline.joinable()).toBe(false);
    vi.advanceTimersByTime(50);
    expect(deadline.reason).toBe('timeout');
  });

  it('rejects `aborted` with the stop reason when the spooler gives up at stop', async () => {
    const stop = new AbortController();
    const deadline = createSendDeadline('fx', 60_000, stop.signal, 100);
    deadline.enter();
    stop.abort();
    await expect(deadline.aborted).rejects.toMatchObject({ code: 'XPORT_SEND_CUT_OFF', message: expect.stringContaining('the spooler is stopping') });
    deadline.leave();
  });

  it('joins for a tenth of the send timeout, at most 100 ms', () => {
    expect(joinWindowFor(120_000)).toBe(100);
    expect(joinWindowFor(400)).toBe(40);
    expect(joinWindowFor(5)).toBe(0);
  });
});
