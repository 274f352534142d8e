import { describe, expect, it } from 'vitest';
import { abortWatchers, watchAbort } from '../src/abort-watch.js';

describe('watchAbort', () => {
  it('calls every watcher of a signal once when it aborts, and forgets them', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    watchAbort(controller.signal, () => calls.push('a'));
    watchAbort(controller.signal, () => calls.push('b'));
    expect(abortWatchers(controller.signal)).toBe(2);
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['a', 'b']);
    expect(abortWatchers(controller.signal)).toBe(0);
  });

  it('does not call a watcher that stopped watching, and keeps nothing for it', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const unwatch = watchAbort(controller.signal, () => calls.push('gone'));
    watchAbort(controller.signal, () => calls.push('kept'));
    unwatch();
    unwatch();
    expect(abortWatchers(controller.signal)).toBe(1);
    controller.abort();
    expect(calls).toEqual(['kept']);
  });

  it('counts the same function given twice as two watchers', () => {
    const controller = new AbortController();
    let calls = 0;
    const onAbort = (): void => void (calls += 1);
    const first = watchAbort(controller.signal, onAbort);
    watchAbort(controller.signal, onAbort);
    first();
    controller.abort();
    expect(calls).toBe(1);
  });

  it('calls at once for a signal that has already aborted', () => {
    let calls = 0;
    const unwatch = watchAbort(AbortSignal.abort(), () => void (calls += 1));
    expect(calls).toBe(1);
    unwatch();
  });
});
