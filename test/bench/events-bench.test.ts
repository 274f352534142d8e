import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// bench/events.bench.mjs at a tiny size: every event the store logs reaches the SSE client and the
// webhook receiver (signed), and the figures are recorded.
const REPO = join(import.meta.dirname, '..', '..');

function runBench(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bench', 'events.bench.mjs')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pnpm bench events (tiny)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xport-bench-events-test-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('delivers every logged event to the SSE client and the webhook receiver, and records the figures', { timeout: 120_000 }, async () => {
    const sink = join(dir, 'figures.jsonl');
    const run = await runBench({ XPORT_BENCH_MESSAGES: '20', XPORT_BENCH_FIGURES: sink });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/20 messages delivered in \d+ ms, 60 events in the log \| SSE: 60 received, 0 missing, \d+ duplicates/);
    expect(run.stdout).toMatch(/webhook: 60 received, 0 missing, \d+ duplicates, 0 bad signatures/);
    const figures = (await readFile(sink, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { bench: string; kind: string; name: string; value: number });
    expect(figures.find((f) => f.name === 'webhook received / logged')).toMatchObject({ bench: 'events', kind: 'ratio', value: 1 });
    expect(figures.find((f) => f.name === 'SSE received / logged')).toMatchObject({ bench: 'events', kind: 'ratio', value: 1 });
  });
});
