import { XportError, type HookProvider } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, recordingTransport } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

const NOT_ONLINE = ['discovered', 'invalid', 'incompatible', 'loading', 'logging-on', 'starting', 'offline', 'logon-failed', 'failed', 'stopping', 'stopped'];
const inbound = { recipients: [{ type: 'x400', address: 'carol' }], text: 'x' };

async function setup() {
  h = await createHarness();
  h.addTransport('fx', ['x400'], recordingTransport());
  return h;
}

async function caught(promise: Promise<unknown>): Promise<XportError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!XportError.is(error)) throw new Error(`expected an XportError, got ${String(error)}`);
  return error;
}

/** A hook that counts its calls. */
function countingHook(): HookProvider & { calls: string[] } {
  const calls: string[] = [];
  return { calls, outbound: () => (calls.push('outbound'), { action: 'pass' }), inbound: () => (calls.push('inbound'), { action: 'pass' }) };
}

describe('the hook gate', () => {
  it.each(NOT_ONLINE)('refuses submits and inbound deliveries while a hook that never loaded is %s', async (state) => {
    const h = await setup();
    const before = countingHook();
    h.hooks.push({ id: 'before', hook: before });
    h.hooks.push({ id: 'policy', hook: undefined, state, lastError: { code: 'XPORT_PROVIDER_CONFIG_INVALID', message: 'field /x must be a string' } });
    const submit = await caught(h.spooler.submit({ to: ['x400:a'] }));
    expect(submit).toMatchObject({ code: 'XPORT_HOOK_UNAVAILABLE', details: { hook: 'policy', state } });
    expect(submit.message).toBe(
      `outbound hook 'policy' is not online (state ${state}: XPORT_PROVIDER_CONFIG_INVALID field /x must be a string); the message was not queued (policy fails closed: a hook whose manifest says "advisory": true is passed by instead)`,
    );
    const deliver = await caught(h.spooler.inbound.deliver(inbound));
    expect(deliver.code).toBe('XPORT_HOOK_UNAVAILABLE');
    expect(deliver.message).toContain("inbound hook 'policy' is not online");
    expect(deliver.message).toContain('the sender should try again later');
    // Decided before any hook ran: the online hook ahead of it saw nothing.
    expect(before.calls).toEqual([]);
    expect(await h.store.listQueue()).toEqual([]);
    expect(await h.inbox('x400:carol')).toEqual([]);
  });

  it('lets a loaded hook that is down refuse only the direction it has a method for', async () => {
    const h = await setup();
    h.hooks.push({ id: 'inbound-only', hook: { inbound: () => ({ action: 'pass' }) }, state: 'logon-failed' });
    await expect(h.spooler.submit({ to: ['x400:a'] })).resolves.toMatchObject({ duplicate: false });
    expect((await caught(h.spooler.inbound.deliver(inbound))).message).toContain("inbound hook 'inbound-only' is not online (state logon-failed)");
    h.hooks.splice(0, 1, { id: 'outbound-only', hook: { outbound: () => ({ action: 'pass' }) }, state: 'offline' });
    expect((await caught(h.spooler.submit({ to: ['x400:a'] }))).message).toContain("outbound hook 'outbound-only' is not online (state offline)");
    await expect(h.spooler.inbound.deliver(inbound)).resolves.toMatchObject({ rejected: [] });
  });

  it('passes an advisory hook that is down, with one warning per state, and calls only online hooks', async () => {
    const h = await setup();
    const down = countingHook();
    const up = countingHook();
    h.hooks.push({ id: 'advice', hook: down, state: 'offline', advisory: true });
    h.hooks.push({ id: 'live', hook: up });
    await h.spooler.submit({ to: ['x400:a'] });
    await h.spooler.submit({ to: ['x400:a'] });
    await h.spooler.inbound.deliver(inbound);
    expect(down.calls).toEqual([]);
    expect(up.calls).toEqual(['outbound', 'outbound', 'inbound']);
    const warnings = () => h.logger.lines.filter((l) => l.level === 'warn').map((l) => [l.message, l.fields]);
    expect(warnings()).toEqual([
      ["advisory hook 'advice' is not online (state offline); messages pass it unchecked until it is back", { code: 'XPORT_HOOK_UNAVAILABLE', hook: 'advice', state: 'offline' }],
    ]);
    h.hooks[0] = { id: 'advice', hook: down, state: 'logon-failed', advisory: true };
    await h.spooler.submit({ to: ['x400:a'] });
    expect(warnings()).toHaveLength(2);
    expect(await h.store.listQueue()).toHaveLength(3);
  });

  it('skips an online hook without the method for the direction', async () => {
    const h = await setup();
    h.hooks.push({ id: 'nothing', hook: {} });
    await expect(h.spooler.submit({ to: ['x400:a'] })).resolves.toMatchObject({ duplicate: false });
    await expect(h.spooler.inbound.deliver(inbound)).resolves.toMatchObject({ rejected: [] });
  });
});
