import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import { createOpenApiChecker } from '../support/openapi-check.js';
import { recordOutput } from '../support/output-recorder.js';
import { PACKAGES } from './test-app.js';

const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');

export interface RunningDaemon {
  readonly child: ChildProcess;
  /** Everything the daemon printed so far. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
}

/** Runs `xport --root <root> start` as a child process, its output recorded for the leak check. */
export function spawnDaemon(root: string, env: Record<string, string> = {}): RunningDaemon {
  const child = spawn(process.execPath, [BIN, '--root', root, 'start'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString();
    recordOutput('xport daemon', chunk.toString());
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The URL the daemon logged its API on, once it has (and once it says it is running). Usable in a test's hooks too. */
export async function apiUrlOf(daemon: RunningDaemon): Promise<string> {
  await vi.waitFor(() => expect(daemon.output()).toContain('xport daemon running'), { timeout: 60_000, interval: 50 });
  const found = /HTTP API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(daemon.output());
  if (found === null) throw new Error(`the daemon logged no API address:\n${daemon.output()}`);
  return found[1]!;
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * A client of a running daemon's API: every answer is checked against the OpenAPI document the
 * daemon serves (fetched once, without a token), so what the API says of itself is what it does.
 */
export async function createApiClient(baseUrl: string): Promise<(path: string, init?: RequestInit & { token?: string }) => Promise<ApiAnswer>> {
  const document: unknown = await (await fetch(`${baseUrl}/v1/openapi.json`)).json();
  const check = createOpenApiChecker(document);
  return async (path, init = {}) => {
    const { token, ...request } = init;
    const headers = new Headers(request.headers);
    if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(`${baseUrl}${path}`, { ...request, headers });
    const text = await res.text();
    recordOutput('http answer', text);
    check({ method: request.method ?? 'GET', url: path, status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: text });
    return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
  };
}
