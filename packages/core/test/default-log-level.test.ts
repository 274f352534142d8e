import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { recordOutput } from '../../../test/support/output-recorder.js';

const run = promisify(execFile);
const CORE_ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));
let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/**
 * Starts a kernel with its default logger (pino on standard error) in a process of its own, with
 * `env` as its whole environment, and returns what it wrote. The configured store does not exist,
 * so start() logs a warning about it and rejects.
 */
async function defaultLoggerOutput(env: NodeJS.ProcessEnv): Promise<{ stderr: string; code: string }> {
  root = await realpath(await mkdtemp(join(tmpdir(), 'xport-log-level-')));
  const script = `import(${JSON.stringify(CORE_ENTRY)}).then(({ createKernel }) =>
    createKernel({ root: ${JSON.stringify(root)}, env: {}, config: { logLevel: 'info', store: { provider: 'store-nowhere' } } }).start())
    .then(() => console.log('started'), (e) => console.log(e.code))`;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, ...env } });
  recordOutput('default logger', stderr);
  return { stderr, code: stdout.trim() };
}

describe('the default logger', () => {
  it('logs at logLevel whatever test runner starts it: no test switch in the kernel', async () => {
    const { stderr, code } = await defaultLoggerOutput({ VITEST: 'true' });
    expect(code).toBe('XPORT_STORE_NOT_CONFIGURED');
    const lines = stderr.trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string; code?: string });
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, code: 'XPORT_STORE_NOT_CONFIGURED', msg: expect.stringContaining('store-nowhere') }));
  });

  it('takes its level from XPORT_LOG_LEVEL in the process environment over logLevel', async () => {
    const silent = await defaultLoggerOutput({ XPORT_LOG_LEVEL: 'silent' });
    expect(silent.code).toBe('XPORT_STORE_NOT_CONFIGURED');
    expect(silent.stderr).toBe('');
    const errorsOnly = await defaultLoggerOutput({ XPORT_LOG_LEVEL: 'error' });
    expect(errorsOnly.stderr).toBe('');
  });

  it('refuses an XPORT_LOG_LEVEL it does not know: start() rejects with XPORT_CONFIG_INVALID naming the variable', async () => {
    const { code } = await defaultLoggerOutput({ XPORT_LOG_LEVEL: 'verbose' });
    expect(code).toBe('XPORT_CONFIG_INVALID');
    const script = `import(${JSON.stringify(CORE_ENTRY)}).then(({ createKernel }) => createKernel({ root: ${JSON.stringify(root)}, env: {} }).start())
      .then(() => console.log('started'), (e) => console.log(e.message))`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, XPORT_LOG_LEVEL: 'verbose' } });
    expect(stdout.trim()).toBe('environment variable XPORT_LOG_LEVEL must be one of debug, info, warn, error, silent (got "verbose")');
  });
});
