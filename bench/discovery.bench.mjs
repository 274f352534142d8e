// Discovery + validation + start of 100 trivial transports, against a baseline of reading and
// parsing the same 100 package.json files and importing the same 100 entry modules raw.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createKernel } from '../packages/core/dist/index.js';
import { benchFigures } from './figures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PROVIDERS = 100;
const RUNS = 5;

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

async function createApp(run) {
  const root = await mkdtemp(join(tmpdir(), `xport-bench-${run}-`));
  const modules = join(root, 'node_modules');
  await mkdir(join(modules, '@xport'), { recursive: true });
  await symlink(join(here, '..', 'packages', 'provider-sdk'), join(modules, '@xport', 'provider-sdk'), 'dir');
  const dirs = [];
  for (let i = 0; i < PROVIDERS; i++) {
    const dir = join(modules, `xport-bench-${i}`);
    await mkdir(dir);
    const xport = { manifestVersion: 1, id: `bench-${i}`, kind: 'transport', entry: './index.js', kernel: '^1.0.0', addressTypes: [`type${i}`] };
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `xport-bench-${i}`, version: '1.0.0', type: 'module', xport }));
    await writeFile(
      join(dir, 'index.js'),
      "import { defineTransportProvider, outcome } from '@xport/provider-sdk';\n" +
        'export default defineTransportProvider({ create: () => ({ send: async (_m, r) => r.map(() => outcome.delivered()) }) });\n',
    );
    dirs.push(dir);
  }
  return { root, dirs };
}

async function baseline(dirs) {
  const start = performance.now();
  const manifests = await Promise.all(dirs.map(async (dir) => JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))));
  await Promise.all(manifests.map((pkg, i) => import(pathToFileURL(join(dirs[i], pkg.xport.entry)).href)));
  return performance.now() - start;
}

async function kernelRun(root) {
  const start = performance.now();
  const kernel = createKernel({ root, logger: silent, env: {} });
  await kernel.start();
  const online = kernel.status().filter((row) => row.state === 'online').length;
  await kernel.stop();
  const elapsed = performance.now() - start;
  if (online !== PROVIDERS) throw new Error(`expected ${PROVIDERS} providers online, got ${online}`);
  return elapsed;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Each run gets fresh module files, so neither side benefits from the ESM module cache.
const kernelTimes = [];
const baselineTimes = [];
const roots = [];
for (let run = 0; run < RUNS; run++) {
  const kernelApp = await createApp(`k${run}`);
  const baseApp = await createApp(`b${run}`);
  roots.push(kernelApp.root, baseApp.root);
  baselineTimes.push(await baseline(baseApp.dirs));
  kernelTimes.push(await kernelRun(kernelApp.root));
}
await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));

const k = median(kernelTimes);
const b = median(baselineTimes);
console.log(`providers: ${PROVIDERS}, runs: ${RUNS} (median)`);
console.log(`kernel discover + validate + start + stop: ${k.toFixed(1)} ms`);
console.log(`baseline read + JSON.parse + import:       ${b.toFixed(1)} ms`);
console.log(`ratio: ${(k / b).toFixed(2)}x`);
console.log('target: < 500 ms');
const figures = benchFigures(import.meta.url);
figures.value('kernel discover + validate + start + stop', k, 'ms');
figures.value('baseline read + JSON.parse + import', b, 'ms');
figures.ratio('kernel / baseline', k / b, { baseline: 'read + JSON.parse + import of the same providers', target: 'kernel < 500 ms' });
