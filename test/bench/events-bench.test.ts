import { describe, expect, it } from 'vitest';
import { runBench } from './run-bench.js';

// bench/events.bench.mjs at a tiny size: every event the store logs reaches the SSE client and the
// webhook receiver (signed), and the figures are recorded.
describe('pnpm bench events (tiny)', () => {
  it('delivers every logged event to the SSE client and the webhook receiver, and records the figures', { timeout: 120_000 }, async () => {
    const run = await runBench('events', { XPORT_BENCH_MESSAGES: '20' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/20 messages delivered in \d+ ms, 60 events in the log \| SSE: 60 received, 0 missing, \d+ duplicates/);
    expect(run.stdout).toMatch(/webhook: 60 received, 0 missing, \d+ duplicates, 0 bad signatures/);
    expect(run.figures.find((f) => f.name === 'webhook received / logged')).toMatchObject({ bench: 'events', kind: 'ratio', value: 1 });
    expect(run.figures.find((f) => f.name === 'SSE received / logged')).toMatchObject({ bench: 'events', kind: 'ratio', value: 1 });
  });
});
