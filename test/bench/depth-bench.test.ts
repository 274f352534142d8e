import { describe, expect, it } from 'vitest';
import { runBench } from './run-bench.js';

// bench/depth.bench.mjs at a tiny size (the real one fills a million rows): it runs end to end on the
// SQLite store — bulk fill, the flow, the reads, a real daemon and the CLI at depth — and records its figures.
describe('pnpm bench depth (tiny)', () => {
  it('measures the flow and the reads at each depth, and a daemon and the CLI at the deepest, on SQLite', { timeout: 180_000 }, async () => {
    const run = await runBench('depth', { XPORT_BENCH_DEPTHS: '20,200', XPORT_BENCH_FRESH: '40', XPORT_BENCH_ROUNDS: '1', XPORT_BENCH_STORES: 'sqlite' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/200 queued: +\d+ msgs\/s \(\d+\.\d+× the rate at 20;/);
    expect(run.stdout).toMatch(/daemon \(xport start, loopback\) with 200 queued, after delivering 40 fresh: peak RSS \d+ MB/);
    expect(run.stdout).toMatch(/xport status \d+ ms \(CPU \d+ ms\), xport queue \d+ ms \(CPU \d+ ms\) \(whole CLI processes, best of three; target < 1 s\); a bare Node process \d+ ms \(CPU \d+ ms\): status \d+\.\d×, queue \d+\.\d× its CPU/);
    const named = (name: string) => run.figures.find((f) => f.name === name);
    expect(named('sqlite: rate at 200 / at 20')).toMatchObject({ bench: 'depth', kind: 'ratio' });
    expect(named('sqlite: xport status CPU at 200 / a bare node process')).toMatchObject({ bench: 'depth', kind: 'ratio' });
    for (const name of ['sqlite: claim p99 at 200', 'sqlite: counts at 200', 'sqlite: listQueue at 200', 'sqlite: daemon peak RSS at 200', 'sqlite: xport status at 200', 'sqlite: xport queue at 200', 'sqlite: xport status CPU at 200', 'sqlite: xport queue CPU at 200', 'sqlite: bare node process beside the CLI at 200']) {
      expect(named(name)?.value, name).toBeGreaterThan(0);
    }
  });
});
