import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '@xport/cli';
import type { E2eApp } from './test-app.js';
import { TEST_PG_URL, adminQuery, createPostgresApp, dropSchema, freshSchema, startDaemon, stopDaemon, type DaemonProcess } from './postgres-daemons.js';

async function xport(app: E2eApp, args: string[], connectionString: string) {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    cwd: app.root,
    env: { XPORT_STORE_POSTGRES__CONNECTION_STRING: connectionString },
    interactive: false,
  };
  const code = await runCli(['--root', app.root, ...args], io);
  return { code, out, err };
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('an xport daemon on PostgreSQL through connection loss', () => {
  const schema = freshSchema();
  const applicationName = `xport-e2e-outage-${randomBytes(4).toString('hex')}`;
  const apps: E2eApp[] = [];
  let daemon: DaemonProcess | undefined;

  afterAll(async () => {
    if (daemon) await stopDaemon(daemon);
    for (const app of apps) await app.cleanup();
    await dropSchema(schema);
  }, 30_000);

  it('keeps running when its connections are cut, reconnects, and sends each message once', async () => {
    const app = await createPostgresApp({ schema, applicationName, latencyMs: 1, concurrency: 4 });
    apps.push(app);
    daemon = startDaemon('outage', app, TEST_PG_URL);
    await daemon.running();

    const send = async (text: string) => {
      const sent = await xport(app, ['send', '--from', 'loopback:me', '--to', 'loopback:you', '--text', text, '--json'], TEST_PG_URL);
      expect(sent.code, sent.err).toBe(0);
      return JSON.parse(sent.out).messageId as string;
    };
    const before = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`before ${i}`)));
    await expect.poll(() => daemon!.delivered.length, { timeout: 30_000 }).toBe(before.length);

    // Cut every connection of this daemon (its own application_name only; the pids are read first).
    const backends = await adminQuery<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);
    expect(backends.length).toBeGreaterThan(0);
    const cut = await adminQuery<{ done: boolean }>(`SELECT pg_terminate_backend(pid) AS done FROM unnest($1::int[]) AS pid`, [backends.map((b) => b.pid)]);
    expect(cut.every((c) => c.done)).toBe(true);

    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`after ${i}`)));
    await expect.poll(() => daemon!.delivered.length, { timeout: 30_000 }).toBe(before.length + after.length);
    expect(daemon.child.exitCode).toBeNull();
    // Reconnected: it holds new connections under its name, none of the ones that were cut.
    await expect
      .poll(async () => (await adminQuery<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [applicationName])).map((b) => b.pid), {
        timeout: 15_000,
      })
      .toEqual(expect.arrayContaining([expect.any(Number)]));
    const now = (await adminQuery<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [applicationName])).map((b) => b.pid);
    expect(now.filter((pid) => backends.some((b) => b.pid === pid))).toEqual([]);

    // Nothing reclaimed twice: each message delivered (and logged) exactly once, each in the inbox once.
    expect([...daemon.delivered].sort()).toEqual([...before, ...after].sort());
    const [inbox] = await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".inbox WHERE mailbox = 'loopback:you'`);
    expect(inbox!.n).toBe(before.length + after.length);
  }, 120_000);

  it('xport send fails clearly with XPORT_STORE_UNAVAILABLE (exit 69, EX_UNAVAILABLE) while the database is unreachable, and never prints the connection string', async () => {
    const app = await createPostgresApp({ schema, applicationName: `${applicationName}-down`, latencyMs: 1, concurrency: 4 });
    apps.push(app);
    const secret = `s3cr3t-${randomBytes(6).toString('hex')}`;
    const unreachable = `postgres://xport:${secret}@127.0.0.1:${await closedPort()}/test`;
    const sent = await xport(app, ['send', '--from', 'loopback:me', '--to', 'loopback:you', '--text', 'nowhere'], unreachable);
    expect(sent.code).toBe(69);
    expect(sent.err).toContain('XPORT_STORE_UNAVAILABLE');
    expect(sent.out + sent.err).not.toContain(secret);
    expect(sent.out + sent.err).not.toContain(unreachable);
  }, 60_000);
});
