import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..');

/** One figure a bench recorded (a line of its XPORT_BENCH_FIGURES file). */
export interface RecordedFigure {
  readonly bench: string;
  readonly kind: string;
  readonly name: string;
  readonly value: number;
}

export interface BenchRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every figure the run recorded, in order. */
  readonly figures: readonly RecordedFigure[];
}

/**
 * Runs `bench/<name>.bench.mjs` as its own process with `env` added (sizes a bench small), its
 * figures written to a temporary XPORT_BENCH_FIGURES file, and resolves with its exit code, its
 * output and the figures parsed from that file (none when it wrote none).
 */
export async function runBench(name: string, env: Readonly<Record<string, string>>): Promise<BenchRun> {
  const dir = await mkdtemp(join(tmpdir(), `xport-bench-${name}-test-`));
  try {
    const sink = join(dir, 'figures.jsonl');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(REPO, 'bench', `${name}.bench.mjs`)], { env: { ...process.env, ...env, XPORT_BENCH_FIGURES: sink }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
      child.stderr.on('data', (chunk: Buffer) => (err += String(chunk)));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
    });
    const text = await readFile(sink, 'utf8').catch(() => '');
    const figures = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RecordedFigure);
    return { code, stdout, stderr, figures };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
