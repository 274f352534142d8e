import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toClientAddress, toConnectionBudget } from '../src/connection-limits.js';
import { readOpenFileLimit } from '../src/descriptor-probe.js';
import { startTestListener, type TestListener } from './support/test-listener.js';

let listener: TestListener | undefined;

afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

describe('listener connection limits', () => {
  it('answers a connection over maxConnections with 421 4.7.0 and closes it, logging the episode once', async () => {
    listener = await startTestListener({ maxConnections: 3 });
    const held = [await listener.session(), await listener.session(), await listener.session()];
    const refused = await Promise.all([listener.open(), listener.open(), listener.open()]);
    for (const { client, greeting } of refused) {
      expect(greeting).toBe('421 4.7.0 Too many connections, try again later');
      await client.closed();
    }
    expect(listener.logged('smtp listener at its connection limit; new clients get 421 until it has room')).toHaveLength(1);
    // The sessions it holds are unaffected.
    expect(await held[0]!.send('NOOP\r\n')).toMatch(/^250 /);

    // Room again: the end of the episode is logged with its count, and the next client is served.
    held[0]!.close();
    held[1]!.close();
    await expect.poll(() => listener!.logged('smtp listener below its connection limit again'), { timeout: 20_000 }).toHaveLength(1);
    expect(listener.logged('smtp listener below its connection limit again')[0]!.fields).toMatchObject({ limit: 3, refused: 3 });
    await listener.session();
  });

  it('answers a client over maxConnectionsPerClient with 421 4.7.0 while other clients are still served', async () => {
    listener = await startTestListener({ maxConnectionsPerClient: 2 });
    await listener.session('127.0.0.1');
    await listener.session('127.0.0.1');
    const third = await listener.open('127.0.0.1');
    expect(third.greeting).toBe('421 4.7.0 Too many connections from your address, try again later');
    await third.client.closed();
    const other = await listener.session('127.0.0.2');
    expect(await other.send('NOOP\r\n')).toMatch(/^250 /);
    expect(listener.logged('smtp client at its connection limit; its new connections get 421').map((l) => l.fields)).toEqual([
      expect.objectContaining({ client: '127.0.0.1', limit: 2 }),
    ]);
  });

  it('closes a connection idle for idleTimeoutMs with 421', async () => {
    listener = await startTestListener({ idleTimeoutMs: 200 });
    const idle = await listener.session();
    expect(await idle.reply()).toMatch(/^421 .*Timeout/);
    await idle.closed();
  });

  it('derives its share of descriptors from the open-file limit, leaving the rest of the process room', () => {
    expect(toConnectionBudget(100, undefined)).toBe(100);
    expect(toConnectionBudget(100, 1024)).toBe(100);
    expect(toConnectionBudget(100, 128)).toBe(64);
    expect(toConnectionBudget(100, 10)).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), 'xport-limits-'));
    writeFileSync(join(dir, 'limits'), 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            256                  4096                 files\n');
    expect(readOpenFileLimit(join(dir, 'limits'))).toBe(256);
    expect(readOpenFileLimit(join(dir, 'missing'))).toBeUndefined();
  });

  it('counts an IPv4 client of a dual-stack listener under its IPv4 address', () => {
    expect(toClientAddress('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(toClientAddress('2001:DB8::1')).toBe('2001:db8::1');
    expect(toClientAddress(undefined)).toBe('unknown');
  });
});
