import { runCli, type CliIO } from '@xport/cli';
import type { E2eApp } from './test-app.js';
import { recordOutput } from '../support/output-recorder.js';

/** Runs `xport <args>` in-process in the application's root; everything it prints also goes to the leak check. */
export async function xport(app: E2eApp, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (s) => void ((out += s), recordOutput('cli stdout', s)),
    stderr: (s) => void ((err += s), recordOutput('cli stderr', s)),
    cwd: app.root,
    env: {},
    interactive: false,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}
