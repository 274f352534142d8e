import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// bench/depth.bench.mjs at a tiny size (the real one fills a million rows): it runs end to end on the
// SQLite store — bulk fill, the flow, the reads, a real daemon and the CLI at depth — and records its figures.
const REPO = join(import.meta.dirname, '..', '..');

function runBench(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bench', 'depth.bench.mjs')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pnpm bench depth (tiny)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xport-bench-depth-test-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('measures the flow and the reads at each depth, and a daemon and the CLI at the deepest, on SQLite', { timeout: 180_000 }, async () => {
    const sink = join(dir, 'figures.jsonl');
    const run = await runBench({ XPORT_BENCH_DEPTHS: '20,200', XPORT_BENCH_FRESH: '40', XPORT_BENCH_ROUNDS: '1', XPORT_BENCH_STORES: 'sqlite', XPORT_BENCH_FIGURES: sink });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/200 queued: +\d+ msgs\/s \(\d+\.\d+× the rate at 20;/);
    expect(run.stdout).toMatch(/daemon \(xport start, loopback\) with 200 queued, after delivering 40 fresh: peak RSS \d+ MB/);
    const figures = (await readFile(sink, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { bench: string; kind: string; name: string; value: number });
    const named = (name: string) => figures.find((f) => f.name === name);
    expect(named('sqlite: rate at 200 / at 20')).toMatchObject({ bench: 'depth', kind: 'ratio' });
    for (const name of ['sqlite: claim p99 at 200', 'sqlite: counts at 200', 'sqlite: listQueue at 200', 'sqlite: daemon peak RSS at 200', 'sqlite: xport status at 200', 'sqlite: xport queue at 200']) {
      expect(named(name)?.value, name).toBeGreaterThan(0);
    }
  });
});
