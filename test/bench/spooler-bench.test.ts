import { describe, expect, it } from 'vitest';
import { runBench } from './run-bench.js';

// bench/spooler.bench.mjs at a tiny size (the real one runs 20,000 messages a path): for each store it
// runs the kernel in one child process and the store-only paths in another, one round at a time, and
// records the rates, the CPU a message and the ratios.
describe('pnpm bench spooler (tiny)', () => {
  it('measures the kernel path and its baselines in processes of their own, on both stores', { timeout: 180_000 }, async () => {
    const run = await runBench('spooler', { XPORT_BENCH_MESSAGES: '1000', XPORT_BENCH_WARM_RUNS: '0', XPORT_BENCH_ROUNDS: '1' });
    expect(run.code, run.stderr).toBe(0);
    for (const store of ['store-sqlite', 'store-memory']) {
      expect(run.stdout).toMatch(new RegExp(`${store}: \\d+ msgs/s through the kernel \\(median of 1;`));
      expect(run.stdout).toMatch(new RegExp(`${store}: CPU a message \\(process, all threads; medians\\): kernel [\\d.]+ µs \\| store operations of the path [\\d.]+ µs`));
      const named = (name: string) => run.figures.find((f) => f.name === `${store}: ${name}`);
      for (const name of ['through the kernel', 'store-only baseline', 'store-only baseline made fair', 'store operations of the path', 'CPU a message through the kernel', 'CPU a message, store operations of the path']) {
        expect(named(name)?.value, `${store}: ${name}`).toBeGreaterThan(0);
      }
      expect(named('kernel / store operations')).toMatchObject({ bench: 'spooler', kind: 'ratio' });
      expect(named('kernel / store operations, by CPU a message')).toMatchObject({ bench: 'spooler', kind: 'ratio' });
    }
  });
});
