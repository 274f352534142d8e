import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGES } from './test-app.js';

/** The Python scripts that stand for foreign SMTP peers and mail readers (Python's smtplib and email package). */
export const INTEROP = join(PACKAGES, 'provider-smtp', 'test', 'interop');

/** Whether python3 with its email and smtplib modules is here (a test that needs them is skipped otherwise). */
export const hasPython = spawnSync('python3', ['-c', 'import email, smtplib'], { stdio: 'ignore' }).status === 0;

/** Runs one of the interop scripts with `args`, `input` on its standard input; resolves with its exit code and output. */
export function runPython(script: string, args: readonly string[], input?: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-W', 'ignore', join(INTEROP, script), ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? Buffer.alloc(0));
  });
}
