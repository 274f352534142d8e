import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { inspect } from 'node:util';
import { Secret, XportError } from '@xport/provider-sdk';
import { createKernel, createPinoLogger, SecretRedactor, type Kernel } from '../../src/index.js';
import { toRedactingLogger } from '../../src/logging/redacting-logger.js';
import { createCaptureLogger, createManualScheduler, resetFixtureGlobals, type TestApp } from '../helpers/test-app.js';
import { KNOWN_SECRETS as K } from '../../../../test/support/known-secrets.js';
import { recordOutput } from '../../../../test/support/output-recorder.js';
import { createSecurityApp } from './security-app.js';
import { createMemoryStore } from '../../../store-memory/src/index.js';

function redactorOf(...values: string[]): SecretRedactor {
  const redactor = new SecretRedactor();
  for (const value of values) redactor.add(value);
  return redactor;
}

class Connection {
  constructor(
    readonly host: string,
    readonly password: string,
  ) {}
}

describe('Secret', () => {
  it('never prints its value: String, template, JSON, util.inspect, console formatting', () => {
    const secret = new Secret(K.betaApiKey);
    const shown = [String(secret), `${secret}`, JSON.stringify({ secret }), inspect(secret), inspect({ nested: [secret] }, { depth: 5 }), secret.toString()];
    recordOutput('secret forms', shown);
    expect(shown.join('\n')).not.toContain(K.betaApiKey);
    expect(Object.keys(secret)).toEqual([]);
    expect(secret.reveal()).toBe(K.betaApiKey);
    expect(Secret.is(secret)).toBe(true);
  });
});

describe('the redacting logger (an injected logger)', () => {
  it('masks secrets in the message, nested fields, keys, errors and their causes, class instances and child bindings', () => {
    const logger = createCaptureLogger();
    const redacting = toRedactingLogger(logger, redactorOf(K.alphaToken, K.betaToken));
    const cause = new Error(`socket said ${K.betaToken}`);
    const error = new XportError('XPORT_LOGON_FAILED', `refused ${K.alphaToken}`, { cause, details: { tried: [K.alphaToken] } });
    redacting.child({ session: `s-${K.betaToken}` }).error(`logon with ${K.alphaToken} failed`, {
      deep: { a: [{ b: { c: `x${K.alphaToken}y` } }] },
      [K.betaToken]: 'secret used as a key',
      error,
      connection: new Connection('relay.example.org', K.betaToken),
      quoted: JSON.stringify({ token: K.alphaToken }),
    });
    const line = JSON.stringify(logger.lines);
    expect(line).not.toContain(K.alphaToken);
    expect(line).not.toContain(K.betaToken);
    const fields = logger.lines[0]?.fields as Record<string, unknown>;
    expect(logger.lines[0]?.message).toBe('logon with [redacted] failed');
    expect(fields.session).toBe('s-[redacted]');
    expect(fields.connection).toEqual({ host: 'relay.example.org', password: '[redacted]' });
    expect(fields.error).toMatchObject({ code: 'XPORT_LOGON_FAILED', message: 'refused [redacted]', details: { tried: ['[redacted]'] }, cause: { message: 'socket said [redacted]' } });
  });

  it('passes objects without secrets through untouched', () => {
    const logger = createCaptureLogger();
    const connection = new Connection('relay.example.org', 'no secret here');
    toRedactingLogger(logger, redactorOf(K.alphaToken)).info('connected', { connection });
    expect(logger.lines[0]?.fields.connection).toBe(connection);
  });
});

describe('the pino logger (the default)', () => {
  it('masks secrets anywhere in the written line, escaped or not', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        recordOutput('pino line', String(chunk));
        done();
      },
    });
    const tricky = 'ks-"tricky"\\secret\n42';
    const logger = createPinoLogger({ level: 'debug', redactor: redactorOf(K.alphaToken, tricky), destination: sink });
    logger.child({ bound: K.alphaToken }).warn(`token ${K.alphaToken}`, {
      err: new Error(`bad ${tricky}`),
      list: [tricky, { deeper: K.alphaToken }],
      connection: new Connection('h', K.alphaToken),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(K.alphaToken);
    expect(lines[0]).not.toContain(JSON.stringify(tricky).slice(1, -1));
    expect(lines[0]).not.toContain('tricky');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ bound: '[redacted]', msg: 'token [redacted]', list: ['[redacted]', { deeper: '[redacted]' }] });
  });
});

describe('the redactor, in every encoding a peer can echo', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  it('masks each credential inside base64 of a framing it was never told (any authzid, XOAUTH2, unknown)', () => {
    const redactor = redactorOf('ks-echo-user-4d2e', K.alphaToken);
    for (const payload of [`admin\0ks-echo-user-4d2e\0${K.alphaToken}`, `user=ks-echo-user-4d2e\x01auth=Bearer ${K.alphaToken}\x01\x01`, `{"t":"${K.alphaToken}"}`]) {
      const out = redactor.redact(`535 5.7.8 ${b64(payload)} rejected`);
      expect(out).toContain('[redacted]');
      expect(Buffer.from(out.slice(10), 'base64').includes(Buffer.from(K.alphaToken))).toBe(false);
      expect(redactor.contains(out)).toBe(false);
    }
  });

  it('keeps a pino line valid JSON when a secret ends in a backslash or quote, and masks it there', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const secrets = ['ks-tail\\', '"ks-head', 'ks-\\"mid'];
    const logger = createPinoLogger({ level: 'debug', redactor: redactorOf(...secrets), destination: sink });
    // Innocent text whose JSON form holds a secret's characters side by side (`ks-tail\"`, the key's
    // opening quote): masking the line as text would cut an escape in two or drop a quote.
    logger.info('ks-tail"quoted" ks-"mid', { 'ks-headline': 'x', tail: 'ks-tail\\', head: '"ks-head', mid: 'x ks-\\"mid y' });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0] as string) as Record<string, string>;
    expect(parsed).toMatchObject({ msg: 'ks-tail"quoted" ks-"mid', 'ks-headline': 'x', tail: '[redacted]', head: '[redacted]', mid: 'x [redacted] y' });
  });
});

describe('the kernel', () => {
  let app: TestApp | undefined;
  let kernel: Kernel | undefined;
  beforeEach(resetFixtureGlobals);
  afterEach(async () => {
    if (kernel) recordOutput('kernel status', kernel.status());
    await kernel?.stop();
    await app?.cleanup();
  });

  it('masks a secret a provider logs, and learns environment values when it reads them', async () => {
    app = await createSecurityApp(['xport-transport-alpha'], []);
    const logger = createCaptureLogger();
    kernel = createKernel({ root: app.root, env: { XPORT_ALPHA__TOKEN: K.alphaToken }, logger, scheduler: createManualScheduler() });
    await kernel.start();
    expect(kernel.providerState('alpha')).toBe('online');
    // The alpha fixture logs "started with token <its token>" from start().
    const started = logger.lines.find((l) => l.message.startsWith('started with token'));
    expect(started?.message).toBe('started with token [redacted]');
    expect(JSON.stringify(logger.lines)).not.toContain(K.alphaToken);
  });

  it('masks a credential a transport\u2019s remote end echoes in a recipient\u2019s diagnostic: in the store, the event and the report', async () => {
    app = await createSecurityApp([], ['echoing-transport']);
    const logger = createCaptureLogger();
    kernel = createKernel({ root: app.root, env: {}, credentials: { echo: { token: K.betaToken } }, logger, store: createMemoryStore({ name: 'echo' }), config: { spooler: { pollMs: 10 } } });
    await kernel.start();
    const failed = new Promise<string>((resolve) => kernel!.spooler().on('failed', (e) => resolve(e.error.diagnostic)));
    const receipt = await kernel.submit({ from: 'echo:sender', to: ['echo:somebody'], text: 'hi' });
    const diagnostic = await failed;
    // The kernel knows the token, not that it was paired with "api": what is left of the header decodes to "api:".
    expect(diagnostic).toBe('401 for Authorization: Basic YXBpO[redacted] (token=[redacted])');
    const store = kernel.store()!;
    const stored = await store.getMessage(receipt.messageId);
    expect(stored?.recipients[0]?.lastError).toEqual({ code: '5.7.1', diagnostic });
    // The non-delivery report to the sender quotes the masked diagnostic.
    const [report] = await store.listInbox('echo:sender');
    const text = await buffer(store.openPart(report!.parts[0]!.partId));
    recordOutput('report', text.toString('utf8'));
    expect(text.toString('utf8')).toContain('(token=[redacted])');
  });
});
