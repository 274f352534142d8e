// Vitest setup file (vitest.config.ts `setupFiles`): runs in every test worker, before each test file.
// It gives the worker known secret values, records every line the worker writes, and fails the test
// file when a known secret shows up in anything recorded. Tests route what does not pass through
// stdout/stderr/console — captured logger lines, CLI output, status rows, error messages, the output
// of child processes — through recordOutput().
import { formatWithOptions } from 'node:util';
import { afterAll } from 'vitest';
import { CANARY_VARIABLE, KNOWN_SECRETS } from './known-secrets.js';
import { describeLeaks, findRecordedLeaks, forgetRecordedOutput, recordOutput } from './output-recorder.js';

const WRAPPED = Symbol.for('xport.test.leakCheckWrapped');
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

function wrapStream(stream: NodeJS.WriteStream, source: string): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    recordOutput(source, typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk));
    return write(chunk, ...rest);
  }) as NodeJS.WriteStream['write'];
}

function wrapConsole(): void {
  for (const method of CONSOLE_METHODS) {
    const original = console[method].bind(console) as (...args: unknown[]) => void;
    console[method] = (...args: unknown[]) => {
      recordOutput(`console.${method}`, formatWithOptions({ depth: 8 }, ...args));
      original(...args);
    };
  }
}

const marks = globalThis as Record<symbol, boolean | undefined>;
if (!marks[WRAPPED]) {
  marks[WRAPPED] = true;
  // Inherited by every child process a test spawns, so a child that dumps its environment leaks it.
  process.env[CANARY_VARIABLE] = KNOWN_SECRETS.environmentCanary;
  wrapStream(process.stdout, 'process.stdout');
  wrapStream(process.stderr, 'process.stderr');
}
// Vitest may give each test file a fresh console: wrap whichever one this file sees.
const consoleMarked = console as unknown as Record<symbol, boolean | undefined>;
if (!consoleMarked[WRAPPED]) {
  consoleMarked[WRAPPED] = true;
  wrapConsole();
}

afterAll(() => {
  const leaks = findRecordedLeaks();
  forgetRecordedOutput();
  if (leaks.length > 0) throw new Error(describeLeaks(leaks));
});
