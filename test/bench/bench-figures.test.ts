import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// bench/run.mjs gathers what each bench records through bench/figures.mjs into one JSON object:
// checked here with small benches of the test's own (the real ones take minutes).
const REPO = join(import.meta.dirname, '..', '..');
const FIGURES = pathToFileURL(join(REPO, 'bench', 'figures.mjs')).href;

function runBenches(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bench', 'run.mjs'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface BenchResult {
  commit: string | null;
  cores: number;
  node: string;
  benches: Record<string, { exitCode: number | string | null; values: Record<string, { value: number; unit: string }>; ratios: Record<string, { value: number; baseline: string; target?: string }> }>;
}

describe('pnpm bench --json', () => {
  let dir: string;
  let results: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xport-bench-figures-test-'));
    results = join(dir, 'results');
    await writeFile(
      join(dir, 'alpha.bench.mjs'),
      [
        `import { spawnSync } from 'node:child_process';`,
        `import { benchFigures } from '${FIGURES}';`,
        `const figures = benchFigures(import.meta.url);`,
        `if (process.env.ALPHA_CHILD) { figures.value('from a child process', 7, 'ms'); process.exit(0); }`,
        `console.log('alpha: 1200 msgs/s, ratio 0.8');`,
        `figures.value('through the kernel', 1200, 'msgs/s');`,
        `figures.ratio('kernel / baseline', 0.8, { baseline: 'the store alone', target: '>= 0.7' });`,
        `spawnSync(process.execPath, [new URL(import.meta.url).pathname], { env: { ...process.env, ALPHA_CHILD: '1' }, stdio: 'inherit' });`,
      ].join('\n'),
    );
    await writeFile(join(dir, 'broken.bench.mjs'), `import { benchFigures } from '${FIGURES}';\nbenchFigures(import.meta.url).value('before the crash', 1, 'ms');\nprocess.exit(3);\n`);
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('prints one JSON object on stdout: commit, cores, and every figure and ratio each bench and its children recorded', async () => {
    const run = await runBenches(['alpha', '--json'], { XPORT_BENCH_DIR: dir, XPORT_BENCH_RESULTS: results });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as BenchResult;
    const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim();
    expect(result.commit).toBe(head);
    expect(result.cores).toBe(availableParallelism());
    expect(result.node).toBe(process.version);
    expect(Object.keys(result.benches)).toEqual(['alpha']);
    expect(result.benches['alpha']).toEqual({
      exitCode: 0,
      values: { 'through the kernel': { value: 1200, unit: 'msgs/s' }, 'from a child process': { value: 7, unit: 'ms' } },
      ratios: { 'kernel / baseline': { value: 0.8, baseline: 'the store alone', target: '>= 0.7' } },
    });
    // The benches' own lines went to stderr, and the same object to a file under the results folder.
    expect(run.stderr).toContain('alpha: 1200 msgs/s, ratio 0.8');
    const files = await readdir(results);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`-${head}\\.json$`));
    expect(JSON.parse(await readFile(join(results, files[0]!), 'utf8'))).toEqual(result);
  });

  it('records a bench that failed with its exit code, keeps what it recorded, and exits non-zero', async () => {
    const run = await runBenches([], { XPORT_BENCH_DIR: dir, XPORT_BENCH_RESULTS: results });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('!!! broken.bench.mjs exited with 3');
    const [file] = await readdir(results);
    const result = JSON.parse(await readFile(join(results, file!), 'utf8')) as BenchResult;
    expect(result.benches['broken']).toEqual({ exitCode: 3, values: { 'before the crash': { value: 1, unit: 'ms' } }, ratios: {} });
    expect(result.benches['alpha']?.exitCode).toBe(0);
  });
});
