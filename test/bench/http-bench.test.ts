import { describe, expect, it } from 'vitest';
import { runBench } from './run-bench.js';

// bench/http.bench.mjs at a tiny size: both paths with their ratio, or one path alone (for a profiler,
// or to take the HTTP cost apart).
const TINY = { XPORT_BENCH_MESSAGES: '40', XPORT_BENCH_WARM_RUNS: '1', XPORT_BENCH_ROUNDS: '1' };
const runHttpBench = (env: Record<string, string>) => runBench('http', { ...TINY, ...env });

describe('pnpm bench http (tiny)', () => {
  it('measures both paths and records the HTTP / in-process ratio', { timeout: 120_000 }, async () => {
    const run = await runHttpBench({});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/http: POST \/v1\/messages \d+ msgs\/s .* \| ratio \d+\.\d\d \| target >= 0\.7/);
    expect(run.stdout).toMatch(/http: CPU per message: in-process \d+ µs \| HTTP server \d+ µs/);
    expect(run.figures.find((f) => f.name === 'HTTP / in-process')).toMatchObject({ bench: 'http', kind: 'ratio' });
  });

  it('runs the HTTP path alone with XPORT_BENCH_HTTP_PATH=http: its figures, no ratio and nothing recorded', { timeout: 120_000 }, async () => {
    const run = await runHttpBench({ XPORT_BENCH_HTTP_PATH: 'http' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/http: http only: rounds \(msgs\/s\) \d+ \| median \d+ msgs\/s, p99 [\d.]+ ms \| CPU per message: this process \d+ µs, client \d+ µs/);
    expect(run.stdout).not.toMatch(/ratio/);
    expect(run.figures).toEqual([]);
  });

  it('takes the HTTP cost apart: the API over a stubbed submit, and bare fastify, each storing nothing', { timeout: 120_000 }, async () => {
    for (const path of ['http-stub', 'fastify']) {
      const run = await runHttpBench({ XPORT_BENCH_HTTP_PATH: path });
      // The bench itself checks the store holds no message afterwards.
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`http: ${path} only: rounds \\(msgs/s\\) \\d+ \\| median \\d+ msgs/s, p99 [\\d.]+ ms \\| CPU per message: this process \\d+ µs, client \\d+ µs`));
    }
  });

  it('refuses a path it does not know', async () => {
    const run = await runHttpBench({ XPORT_BENCH_HTTP_PATH: 'grpc' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('XPORT_BENCH_HTTP_PATH must be one of http, in-process, http-stub, fastify; not grpc');
  });
});
