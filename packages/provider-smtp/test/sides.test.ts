import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { createSmtpTransport, type SmtpTransport } from '../src/index.js';
import { createTestContext } from './support/provider-context.js';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.js';

// The relay (sending) and the listener (receiving) are sides of their own.
let transport: SmtpTransport | undefined;
let server: ScriptedServer | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  await transport?.stop?.();
  await server?.close();
  await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
  transport = undefined;
  server = undefined;
  blocker = undefined;
});

/** A port that is taken for as long as the test runs. */
async function takenPort(): Promise<number> {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
  return (blocker.address() as { port: number }).port;
}

/** A port nobody listens on (bound, read, released). */
async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('sides of the smtp transport', () => {
  it('starts the listener in logon even when the relay cannot be reached, and receives', async () => {
    const relayPort = await unusedPort();
    const test = createTestContext({ relay: { host: '127.0.0.1', port: relayPort }, listen: { enabled: true, port: 0, domains: ['example.org'] } });
    transport = createSmtpTransport(test.context);
    await expect(transport.logon!()).rejects.toMatchObject({ code: 'XPORT_PROVIDER_UNAVAILABLE' });
    expect(transport.availability!()).toBe('unavailable');
    const address = transport.listenAddress()!;
    expect(transport.sides!()).toEqual([
      { name: 'relay', state: 'down', detail: `127.0.0.1:${relayPort}`, error: { code: 'XPORT_PROVIDER_UNAVAILABLE', message: expect.stringContaining('is unavailable') } },
      { name: 'listener', state: 'up', detail: `${address.host}:${address.port}` },
    ]);

    const client = nodemailer.createTransport({ host: '127.0.0.1', port: address.port, ignoreTLS: true, logger: false });
    const info = await client.sendMail({ from: 'peer@example.net', to: 'ada@example.org', subject: 'relay down', text: 'hi' });
    client.close();
    expect(info.response).toMatch(/^250 /);
    expect(test.delivered.map((m) => m.subject)).toEqual(['relay down']);

    // All mail goes through the relay: it is every recipient's destination.
    expect(transport.destinationOf!({ type: 'smtp', address: 'ada@example.net' })).toBe(`127.0.0.1:${relayPort}`);
    expect(transport.destinationOf!({ type: 'smtp', address: 'bob@example.com' })).toBe(`127.0.0.1:${relayPort}`);

    // start() after a later successful logon finds the listener running and keeps it.
    await transport.start!();
    expect(transport.listenAddress()).toEqual(address);
  });

  it('shows the relay up after a logon, and both sides off when neither is configured', async () => {
    server = await startScriptedServer();
    transport = createSmtpTransport(createTestContext({ relay: { host: '127.0.0.1', port: server.port } }).context);
    await transport.logon!();
    expect(transport.sides!()).toEqual([
      { name: 'relay', state: 'up', detail: `127.0.0.1:${server.port}` },
      { name: 'listener', state: 'off' },
    ]);
    await transport.stop!();
    expect(transport.sides!()[0]).toMatchObject({ name: 'relay', state: 'down' });

    const idle = createSmtpTransport(createTestContext({}).context);
    expect(idle.sides!()).toEqual([
      { name: 'relay', state: 'off' },
      { name: 'listener', state: 'off' },
    ]);
  });

  it('reports a listener that cannot bind as down with its error, and start() fails the provider as before', async () => {
    const port = await takenPort();
    transport = createSmtpTransport(createTestContext({ listen: { enabled: true, port, domains: ['example.org'] } }).context);
    await transport.logon!();
    expect(transport.sides!()[1]).toEqual({
      name: 'listener',
      state: 'down',
      detail: `127.0.0.1:${port}`,
      error: { code: 'XPORT_PROVIDER_START_FAILED', message: expect.stringContaining(`cannot listen on 127.0.0.1:${port}`) },
    });
    await expect(transport.start!()).rejects.toMatchObject({ code: 'XPORT_PROVIDER_START_FAILED' });
  });
});
