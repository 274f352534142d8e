import { afterEach, describe, expect, it } from 'vitest';
import { resolveSmtpConfig } from '../src/index.js';
import { AuthThrottle, MAX_AUTH_FAILURE_DELAY_MS, toAuthFailureDelay } from '../src/auth-throttle.js';
import { startInboundListener, type InboundListener } from '../src/inbound-listener.js';
import { createTestContext, type TestContext } from './support/provider-context.js';
import { RawSmtpClient } from './support/raw-smtp-client.js';

const USER = 'inbound-user';
const PASSWORD = 'inbound-pass-5c1e7d';

let listener: InboundListener | undefined;
const clients: RawSmtpClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await listener?.close();
  listener = undefined;
});

/** A listener that requires AUTH in clear (allowInsecureAuth: the test speaks plain TCP), on a clock the test moves. */
async function authListener(listen: Record<string, unknown>): Promise<{ test: TestContext; clock: { now: number }; port: number }> {
  const test = createTestContext({}, { username: USER, password: PASSWORD });
  const clock = { now: 1_000_000 };
  const config = resolveSmtpConfig({ listen: { enabled: true, port: 0, domains: ['example.org'], requireAuth: true, allowInsecureAuth: true, ...listen } }).listen;
  listener = await startInboundListener({ listen: config, credentials: test.context.credentials, inbound: test.context.inbound!, logger: test.context.logger, appRoot: process.cwd(), clock: { now: () => clock.now } });
  return { test, clock, port: listener.address.port };
}

async function session(port: number, localAddress?: string): Promise<RawSmtpClient> {
  const { client, greeting } = await RawSmtpClient.open(port, localAddress);
  clients.push(client);
  expect(greeting).toMatch(/^220 /);
  expect(await client.send('EHLO client.test\r\n')).toMatch(/^250/);
  return client;
}

const plain = (user: string, password: string): string => `AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}\r\n`;

describe('inbound AUTH throttling', () => {
  it('delays each failure more, then answers 421 and disconnects; logs client IP and user name, never the password', async () => {
    const { test, port } = await authListener({ authFailureDelayMs: 20, maxAuthFailures: 4 });
    const first = await session(port);
    const started = Date.now();
    expect(await first.send(plain(USER, 'wrong-1'))).toBe('535 5.7.8 Authentication credentials invalid');
    expect(Date.now() - started).toBeGreaterThanOrEqual(15); // waited (a lower bound only: a busy machine is slower, never faster)
    expect(await first.send(plain('mallory', 'wrong-2'))).toBe('535 5.7.8 Authentication credentials invalid');
    // A second connection from the same IP continues the same count.
    const second = await session(port);
    expect(await second.send(plain(USER, 'wrong-3'))).toBe('535 5.7.8 Authentication credentials invalid');
    expect(await second.send(plain(USER, 'wrong-4'))).toBe('421 4.7.0 Too many failed logins, try again later');
    await second.closed();

    const failures = test.logs.filter((l) => l.message.startsWith('smtp AUTH failed'));
    expect(failures.map((l) => l.fields)).toEqual([
      expect.objectContaining({ client: '127.0.0.1', user: USER, failures: 1, delayMs: 20 }),
      expect.objectContaining({ client: '127.0.0.1', user: 'mallory', failures: 2, delayMs: 40 }),
      expect.objectContaining({ client: '127.0.0.1', user: USER, failures: 3, delayMs: 80 }),
      expect.objectContaining({ client: '127.0.0.1', user: USER, failures: 4, lockoutMs: 900_000 }),
    ]);
    expect(JSON.stringify(test.logs)).not.toMatch(/wrong-\d|inbound-pass/);
  });

  it('refuses a locked-out IP even with the right password, serves other IPs, and forgets it after authLockoutMs', async () => {
    const { clock, port } = await authListener({ authFailureDelayMs: 0, maxAuthFailures: 2, authLockoutMs: 60_000 });
    const client = await session(port);
    expect(await client.send(plain(USER, 'nope'))).toMatch(/^535 /);
    expect(await client.send(plain(USER, 'nope'))).toMatch(/^421 /);
    expect(await (await session(port)).send(plain(USER, PASSWORD))).toBe('421 4.7.0 Too many failed logins, try again later');
    expect(await (await session(port, '127.0.0.2')).send(plain(USER, PASSWORD))).toMatch(/^235 /);
    clock.now += 60_000;
    expect(await (await session(port)).send(plain(USER, PASSWORD))).toMatch(/^235 /);
  });

  it('forgets the failures of a client that then logs in', () => {
    const clock = { now: () => 0 };
    const throttle = new AuthThrottle({ maxFailures: 3, delayMs: 100, lockoutMs: 1_000, clock });
    throttle.recordFailure('192.0.2.1');
    throttle.recordFailure('192.0.2.1');
    throttle.recordSuccess('192.0.2.1');
    expect(throttle.recordFailure('192.0.2.1')).toEqual({ failures: 1, lockedOut: false, delayMs: 100 });
  });

  it('doubles the delay per failure up to its cap', () => {
    expect([1, 2, 3, 4].map((n) => toAuthFailureDelay(n, 1_000))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(toAuthFailureDelay(20, 1_000)).toBe(MAX_AUTH_FAILURE_DELAY_MS);
    expect(toAuthFailureDelay(3, 0)).toBe(0);
  });
});
