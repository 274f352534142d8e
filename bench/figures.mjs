// What a benchmark measured, for machines: each bench names its figures and same-run ratios here
// beside the line it prints for people. bench/run.mjs gathers them into one JSON object per run
// (commit, core count, every figure), so two runs compare without parsing prose.
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';

const SINK = 'XPORT_BENCH_FIGURES';

/**
 * The figures of one bench. Records go to the file bench/run.mjs names in XPORT_BENCH_FIGURES (one
 * JSON line each, appended, so a bench's child processes add theirs too); run alone, a bench only prints.
 * @param {string} file `import.meta.url` or the bench's file name: `store.bench.mjs` → bench `store`.
 */
export function benchFigures(file) {
  const bench = basename(file).replace(/\.bench\.mjs$/, '');
  const record = (entry) => {
    const sink = process.env[SINK];
    if (sink) appendFileSync(sink, `${JSON.stringify({ bench, ...entry })}\n`);
  };
  return {
    /** A measured value in its unit (`msgs/s`, `ms`, `MB`, `µs`). */
    value(name, value, unit) {
      record({ kind: 'value', name, value: round(value), unit });
    },
    /**
     * A ratio to a baseline measured in the same run, with the target it is held to (`>= 0.9`, `< 500 ms`), if any.
     * @param {{ baseline: string, target?: string }} about
     */
    ratio(name, value, about) {
      record({ kind: 'ratio', name, value: round(value), baseline: about.baseline, ...(about.target === undefined ? {} : { target: about.target }) });
    },
  };
}

const round = (value) => (Number.isFinite(value) ? Math.round(value * 1000) / 1000 : value);
