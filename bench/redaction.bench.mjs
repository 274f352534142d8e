// Cost of masking secrets in log lines. Run after `pnpm build`: `node bench/redaction.bench.mjs`
// (or `pnpm bench redaction`). The kernel's SecretRedactor (the SDK's SecretMasker: every encoding a
// peer can echo) against the rule it replaced, measured in the same run: each value masked as is and
// JSON-escaped with split/join. 10 secrets (9 of 24 ASCII characters, one with a quote, a slash and
// non-ASCII, so JSON and URL escapes in a line are worth decoding), four kinds of ~300-character lines.
import { performance } from 'node:perf_hooks';
import { SecretRedactor } from '../packages/core/dist/index.js';
import { benchFigures } from './figures.mjs';

const SPECIAL = 'p@ss/w\u00f6rd "quoted" 42';
const SECRETS = [...Array.from({ length: 9 }, (_, i) => `secret-${i}-${'x'.repeat(8)}-${(i * 7919).toString(36).padStart(6, '0')}`), SPECIAL];
const RUNS = 5;
const LINES_PER_RUN = 20_000;

/** The rule before: each value as is and JSON-escaped, replaced with split/join. */
function createBaseline(values) {
  const ordered = [...values].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const value of ordered) {
      if (out.includes(value)) out = out.split(value).join('[redacted]');
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value && out.includes(escaped)) out = out.split(escaped).join('[redacted]');
    }
    return out;
  };
}

const base = { level: 30, time: '2026-01-01T00:00:00.000Z', provider: 'smtp', message: 'm-0123456789abcdef', to: 'smtp:bob@example.net' };
const LINES = {
  'plain line (no secret)': JSON.stringify({ ...base, msg: 'delivered', diagnostic: '250 2.0.0 Ok: queued as 4FJ2K3 '.repeat(6) }),
  'escaped line (no secret)': JSON.stringify({ ...base, msg: 'deferred', diagnostic: '451 "try again" \\ 50% later\n'.repeat(7) }),
  'line echoing a secret': JSON.stringify({ ...base, msg: 'logon failed', reply: `535 5.7.8 bad credentials ${SECRETS[3]} ${'.'.repeat(180)}` }),
  'line echoing it URL-encoded': JSON.stringify({ ...base, msg: 'logon failed', reply: `401 for ?user=ada&pass=${encodeURIComponent(SPECIAL)} ${'.'.repeat(160)}` }),
};

function measure(mask, line) {
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < LINES_PER_RUN; i++) sink += mask(line + (i & 7)).length;
  const elapsed = performance.now() - start;
  if (sink === 0) throw new Error('nothing masked');
  return (LINES_PER_RUN / elapsed) * 1000;
}

const redactor = new SecretRedactor();
for (const value of SECRETS) redactor.add(value);
const current = (text) => redactor.redact(text);
const baseline = createBaseline(SECRETS);

const figures = benchFigures(import.meta.url);
console.log(`masking ${SECRETS.length} secrets, ${LINES_PER_RUN.toLocaleString('en')} lines per run, best of ${RUNS} runs`);
for (const [name, line] of Object.entries(LINES)) {
  let best = { current: 0, baseline: 0 };
  for (let run = 0; run < RUNS; run++) {
    best = { baseline: Math.max(best.baseline, measure(baseline, line)), current: Math.max(best.current, measure(current, line)) };
  }
  const ratio = best.current / best.baseline;
  figures.value(`${name}: SecretRedactor`, best.current, 'lines/s');
  figures.ratio(`${name}: SecretRedactor / baseline`, ratio, { baseline: 'split/join of each value as is and JSON-escaped' });
  console.log(
    `${name.padEnd(28)} SecretRedactor ${Math.round(best.current).toLocaleString('en').padStart(9)} lines/s | baseline ${Math.round(best.baseline).toLocaleString('en').padStart(9)} lines/s | ${ratio.toFixed(2)}x`,
  );
}
