// Runs every bench/*.bench.mjs in its own process (so peak RSS is per benchmark), in name order.
// `pnpm bench [filter] [--json]` runs only the files whose name contains the filter. Every run writes
// its figures as one JSON object to bench/results/<time>-<commit>.json; with --json that object is
// also the only thing on stdout (the benches' own lines go to stderr).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const filter = args.find((a) => !a.startsWith('--')) ?? '';
const benchDir = process.env.XPORT_BENCH_DIR ?? here;
const resultsDir = process.env.XPORT_BENCH_RESULTS ?? join(here, 'results');
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.mjs') && f.includes(filter))
  .sort();
const say = (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);

const scratch = mkdtempSync(join(tmpdir(), 'xport-bench-figures-'));
const sink = join(scratch, 'figures.jsonl');
const startedAt = new Date().toISOString();
const exits = {};
let failed = 0;
for (const file of files) {
  say(`\n=== ${file}`);
  const run = spawnSync(process.execPath, ['--expose-gc', join(benchDir, file)], {
    stdio: ['ignore', json ? 2 : 'inherit', 'inherit'],
    env: { ...process.env, XPORT_BENCH_FIGURES: sink },
  });
  exits[file.replace(/\.bench\.mjs$/, '')] = run.status ?? String(run.signal);
  if (run.status !== 0) {
    failed += 1;
    say(`!!! ${file} exited with ${run.status ?? run.signal}`);
  }
}

const result = { ...describeRun(startedAt), benches: collect(sink, exits) };
rmSync(scratch, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const out = join(resultsDir, `${startedAt.replace(/[:.]/g, '-')}-${result.commit ?? 'unknown'}.json`);
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else say(`\nfigures: ${out}`);
process.exit(failed === 0 ? 0 : 1);

/** Where and when: the commit (and whether the tree had changes), the machine's cores, Node. */
function describeRun(started) {
  const git = (...a) => spawnSync('git', a, { cwd: here, encoding: 'utf8' });
  const head = git('rev-parse', '--short=12', 'HEAD');
  const status = git('status', '--porcelain', '--untracked-files=no');
  return {
    commit: head.status === 0 ? head.stdout.trim() : null,
    dirty: status.status === 0 ? status.stdout.trim() !== '' : null,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? null,
    node: process.version,
    startedAt: started,
    finishedAt: new Date().toISOString(),
  };
}

/** Each bench's exit code, values and ratios, from the JSON lines its processes appended. */
function collect(file, exitCodes) {
  const benches = {};
  for (const [bench, exitCode] of Object.entries(exitCodes)) benches[bench] = { exitCode, values: {}, ratios: {} };
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  for (const line of lines) {
    const { bench, kind, name, ...figure } = JSON.parse(line);
    benches[bench] ??= { exitCode: null, values: {}, ratios: {} };
    benches[bench][kind === 'ratio' ? 'ratios' : 'values'][name] = figure;
  }
  return benches;
}
