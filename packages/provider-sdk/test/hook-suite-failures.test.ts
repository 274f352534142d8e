import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SUITES = fileURLToPath(new URL('./fixtures/hook-suites', import.meta.url));
const VITEST = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));

let out: string | undefined;
afterEach(async () => {
  if (out) await rm(out, { recursive: true, force: true });
  out = undefined;
});

/** Runs one suite file in a vitest of its own and returns each case's title with its status. */
async function runSuite(file: string): Promise<Record<string, string>> {
  out = await mkdtemp(join(tmpdir(), 'xport-hook-suite-'));
  const report = join(out, 'report.json');
  // A failing suite is the expected result: vitest then exits 1, which is not an error here.
  await run(process.execPath, [VITEST, 'run', file, '--root', SUITES, '--config', join(SUITES, 'vitest.config.ts'), '--reporter=json', `--outputFile=${report}`], { cwd: SUITES, timeout: 180_000 }).catch(
    (error: { code?: number }) => {
      if (error.code !== 1) throw error;
    },
  );
  const results = JSON.parse(await readFile(report, 'utf8')) as { testResults: Array<{ assertionResults: Array<{ title: string; status: string }> }> };
  return Object.fromEntries(results.testResults.flatMap((f) => f.assertionResults.map((a) => [a.title, a.status])));
}

describe('the hook conformance suite fails a careless hook', () => {
  it('on writing to its input, on a rewrite past the header limits, and on a credential in what it writes — and on nothing else', { timeout: 240_000 }, async () => {
    const status = await runSuite('careless.suite.ts');
    const failed = Object.entries(status).filter(([, s]) => s === 'failed').map(([title]) => title).sort();
    expect(failed).toEqual(
      [
        'answers each outbound sample with the expected verdict, well formed, without changing its input',
        'a message at 128 extra headers is accepted or rejected by the hook, never rewritten into an invalid one',
        'a message at 65536 characters of extra headers is accepted or rejected by the hook, never rewritten into an invalid one',
        'never shows a credential in verdicts, rewritten messages, errors, status rows or log lines',
      ].sort(),
    );
    // What it does right still passes: its manifest, lifecycle, directions and the kernel's handling.
    expect(status).toMatchObject({
      'is a valid hook manifest (manifestSchema, checked with ajv)': 'passed',
      'comes online and judges at least one direction': 'passed',
      'judges the directions it was given samples for, and leaves the other one alone': 'passed',
      'outbound: a pass queues the message unchanged, a rewrite changes it, a reject queues nothing and names the hook': 'passed',
      'a message at 10000 recipients is accepted or rejected by the hook, never rewritten into an invalid one': 'passed',
    });
  });
});
