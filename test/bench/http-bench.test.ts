import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// bench/http.bench.mjs at a tiny size: both paths with their ratio, or one path alone (for a profiler,
// or to take the HTTP cost apart).
const REPO = join(import.meta.dirname, '..', '..');
const TINY = { XPORT_BENCH_MESSAGES: '40', XPORT_BENCH_WARM_RUNS: '1', XPORT_BENCH_ROUNDS: '1' };

function runBench(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bench', 'http.bench.mjs')], { env: { ...process.env, ...TINY, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const readFigures = async (sink: string): Promise<Array<{ bench: string; kind: string; name: string }>> =>
  (await readFile(sink, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { bench: string; kind: string; name: string });

describe('pnpm bench http (tiny)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xport-bench-http-test-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('measures both paths and records the HTTP / in-process ratio', { timeout: 120_000 }, async () => {
    const sink = join(dir, 'figures.jsonl');
    const run = await runBench({ XPORT_BENCH_FIGURES: sink });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/http: POST \/v1\/messages \d+ msgs\/s .* \| ratio \d+\.\d\d \| target >= 0\.7/);
    expect(run.stdout).toMatch(/http: CPU per message: in-process \d+ µs \| HTTP server \d+ µs/);
    expect((await readFigures(sink)).find((f) => f.name === 'HTTP / in-process')).toMatchObject({ bench: 'http', kind: 'ratio' });
  });

  it('runs the HTTP path alone with XPORT_BENCH_HTTP_PATH=http: its figures, no ratio and nothing recorded', { timeout: 120_000 }, async () => {
    const sink = join(dir, 'figures.jsonl');
    const run = await runBench({ XPORT_BENCH_FIGURES: sink, XPORT_BENCH_HTTP_PATH: 'http' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/http: http only: rounds \(msgs\/s\) \d+ \| median \d+ msgs\/s, p99 [\d.]+ ms \| CPU per message: this process \d+ µs, client \d+ µs/);
    expect(run.stdout).not.toMatch(/ratio/);
    expect(await readFigures(sink)).toEqual([]);
  });

  it('takes the HTTP cost apart: the API over a stubbed submit, and bare fastify, each storing nothing', { timeout: 120_000 }, async () => {
    for (const path of ['http-stub', 'fastify']) {
      const run = await runBench({ XPORT_BENCH_HTTP_PATH: path });
      // The bench itself checks the store holds no message afterwards.
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`http: ${path} only: rounds \\(msgs/s\\) \\d+ \\| median \\d+ msgs/s, p99 [\\d.]+ ms \\| CPU per message: this process \\d+ µs, client \\d+ µs`));
    }
  });

  it('refuses a path it does not know', async () => {
    const run = await runBench({ XPORT_BENCH_HTTP_PATH: 'grpc' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('XPORT_BENCH_HTTP_PATH must be one of http, in-process, http-stub, fastify; not grpc');
  });
});
