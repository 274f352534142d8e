import { describe, expect, it } from 'vitest';
import { WorkListeners } from '../src/index.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkListeners', () => {
  it('tells every listener once per turn, never inside the emitting call', async () => {
    const work = new WorkListeners();
    const heard: string[] = [];
    work.add(() => heard.push('a'));
    work.add(() => heard.push('b'));
    work.emit();
    work.emit();
    expect(heard).toEqual([]);
    await nextTurn();
    expect(heard).toEqual(['a', 'b']);
  });

  it('keeps telling the others when one listener throws', async () => {
    const work = new WorkListeners();
    const heard: string[] = [];
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    work.add(() => {
      throw new Error('boom');
    });
    work.add(() => heard.push('still heard'));
    work.emit();
    await nextTurn();
    await nextTurn();
    process.off('warning', onWarning);
    expect(heard).toEqual(['still heard']);
    expect(warnings).toEqual(['xport store onWork listener threw: Error: boom']);
  });

  it('runs onFirst for the first listener and onLast when the last leaves or at clear', () => {
    const calls: string[] = [];
    const work = new WorkListeners({ onFirst: () => calls.push('first'), onLast: () => calls.push('last') });
    const off1 = work.add(() => undefined);
    const off2 = work.add(() => undefined);
    off1();
    off1();
    expect(calls).toEqual(['first']);
    off2();
    expect(calls).toEqual(['first', 'last']);
    work.add(() => undefined);
    work.clear();
    work.clear();
    expect(calls).toEqual(['first', 'last', 'first', 'last']);
    expect(work.size).toBe(0);
  });
});
