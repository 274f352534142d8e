import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Secret, type CredentialView, type Logger } from '@xport/provider-sdk';
import { createPinoLogger } from '../../packages/core/src/logging/pino-logger.js';
import { toRedactingLogger } from '../../packages/core/src/logging/redacting-logger.js';
import { SecretRedactor } from '../../packages/core/src/logging/secret-redactor.js';
import type { ProviderRecord } from '../../packages/core/src/discovery/provider-record.js';
import { toStatusTable } from '../../packages/core/src/status/status-table.js';
import { resolveSmtpConfig } from '../../packages/provider-smtp/src/config.js';
import { toRelayAuth } from '../../packages/provider-smtp/src/relay-auth.js';
import { toLogonError } from '../../packages/provider-smtp/src/relay-logon.js';

// Issue 16, item 2: a peer may echo a credential in any encoding, anywhere in its reply. Each case
// makes up a user name and a password (or OAuth token), a relay reply that echoes them in several
// encodings at random places inside other text, and runs that reply through every output the kernel
// writes — the status row, daemon.json, the pino line, an injected logger — twice: as provider-smtp
// reports it (it knows the logon pair) and as a provider that knows nothing passes it on raw (only
// the kernel's redactor stands between it and the output). No output may hold either secret.
const CASES = 10_000;
const MASK = '[redacted]';
/** Shorter values are masked inside a base64 blob only where the masker knows the blob's framing. */
const MIN_EMBEDDED_BYTES = 3;

const b64 = (text: string | Uint8Array): string => Buffer.from(text as string).toString('base64');

type Method = 'PLAIN' | 'LOGIN' | 'XOAUTH2';

/**
 * One echo: the text the relay sends back, the secrets it carries, and how they sit in base64: not
 * framed in a longer blob, in a logon payload (SASL PLAIN, XOAUTH2, HTTP Basic), or in a blob of
 * unknown framing.
 */
interface Echo {
  readonly text: string;
  readonly holds: ReadonlyArray<'user' | 'secret'>;
  readonly framing: 'none' | 'logon' | 'unknown';
}

type EchoKind =
  | { kind: 'raw' | 'base64' | 'url' | 'form' | 'json'; of: 'user' | 'secret' }
  | { kind: 'plain' | 'plain-authzid' | 'login' | 'xoauth2' | 'basic' }
  | { kind: 'embedded'; of: 'user' | 'secret'; before: Uint8Array; after: Uint8Array };

function toEcho(spec: EchoKind, user: string, secret: string): Echo {
  const value = (of: 'user' | 'secret') => (of === 'user' ? user : secret);
  switch (spec.kind) {
    case 'raw':
      return { text: value(spec.of), holds: [spec.of], framing: 'none' };
    case 'base64':
      return { text: b64(value(spec.of)), holds: [spec.of], framing: 'none' };
    case 'url':
      return { text: encodeURIComponent(value(spec.of)), holds: [spec.of], framing: 'none' };
    case 'form':
      return { text: new URLSearchParams({ v: value(spec.of) }).toString().slice(2), holds: [spec.of], framing: 'none' };
    case 'json':
      return { text: JSON.stringify({ v: value(spec.of) }), holds: [spec.of], framing: 'none' };
    case 'login':
      return { text: `${b64(user)} ${b64(secret)}`, holds: ['user', 'secret'], framing: 'none' };
    case 'plain':
      return { text: b64(`\0${user}\0${secret}`), holds: ['user', 'secret'], framing: 'logon' };
    case 'plain-authzid':
      return { text: b64(`${user}\0${user}\0${secret}`), holds: ['user', 'secret'], framing: 'logon' };
    case 'xoauth2':
      return { text: b64(`user=${user}\x01auth=Bearer ${secret}\x01\x01`), holds: ['user', 'secret'], framing: 'logon' };
    case 'basic':
      return { text: b64(`${user}:${secret}`), holds: ['user', 'secret'], framing: 'logon' };
    case 'embedded':
      return { text: b64(Buffer.concat([spec.before, Buffer.from(value(spec.of)), spec.after])), holds: [spec.of], framing: 'unknown' };
  }
}

// Secrets: printable ASCII, any printable grapheme (multi-code-point ones included), single code points.
const secretText = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 64 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
  fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 64 }),
);
const filler = fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 12 }));
const whose = fc.constantFrom<'user' | 'secret'>('user', 'secret');
const framing = fc.uint8Array({ maxLength: 8 });
const echoKind: fc.Arbitrary<EchoKind> = fc.oneof(
  fc.record({ kind: fc.constantFrom('raw' as const, 'base64' as const, 'url' as const, 'form' as const, 'json' as const), of: whose }),
  fc.record({ kind: fc.constantFrom('plain' as const, 'plain-authzid' as const, 'login' as const, 'xoauth2' as const, 'basic' as const) }),
  fc.record({ kind: fc.constant('embedded' as const), of: whose, before: framing, after: framing }),
);
const echoCase = fc.record({
  user: secretText,
  secret: secretText,
  method: fc.constantFrom<Method>('PLAIN', 'LOGIN', 'XOAUTH2'),
  echoes: fc.array(fc.tuple(filler, echoKind), { minLength: 1, maxLength: 3 }),
  tail: filler,
});

function credentialsOf(values: Record<string, string>): CredentialView {
  const get = (name: string) => (values[name] === undefined ? undefined : new Secret(values[name]));
  return { declared: Object.keys(values), get, require: (name) => get(name) as Secret };
}

/** Every string a structured output holds — keys and values — as a reader decoding it would see them. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
  return [];
}

/**
 * What the kernel writes for one provider log call and one status row: the pino line (parsed), what
 * an injected logger receives, the status row's message, and daemon.json's (parsed). One set of
 * loggers per redactor, as in a kernel.
 */
function createKernelOutputs(redactor: SecretRedactor) {
  const pinoLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      pinoLines.push(String(chunk));
      done();
    },
  });
  const pino = createPinoLogger({ level: 'debug', redactor, destination }).child({ provider: 'smtp' });
  const injected: unknown[] = [];
  const capture: Logger = {
    debug: (message, fields) => injected.push(message, fields),
    info: (message, fields) => injected.push(message, fields),
    warn: (message, fields) => injected.push(message, fields),
    error: (message, fields) => injected.push(message, fields),
    child: (bindings) => (injected.push(bindings), capture),
  };
  const redacting = toRedactingLogger(capture, redactor).child({ provider: 'smtp' });
  const record: ProviderRecord = {
    ...{ id: 'smtp', packageName: '@xport/provider-smtp', version: '0.1.0', directory: '/app/node_modules/@xport/provider-smtp', kind: 'transport', addressTypes: ['smtp'] },
    ...{ manifest: undefined, entryPath: undefined, config: {}, enabled: true, status: 'ok', errors: [] },
  };
  return (log: { message: string; fields: Record<string, unknown> }, lastError: string): string[] => {
    pinoLines.length = 0;
    injected.length = 0;
    pino.warn(log.message, log.fields);
    redacting.warn(log.message, log.fields);
    const rows = toStatusTable([{ record, state: 'logon-failed', lastError: { code: 'XPORT_LOGON_FAILED', message: lastError } }], redactor);
    const daemonJson = JSON.stringify({ pid: 1, startedAt: 0, updatedAt: 0, providers: rows }, null, 2);
    return [
      ...pinoLines.flatMap((line) => stringsOf(JSON.parse(line))),
      ...stringsOf(injected),
      // A row's other fields (id, code, directory) are the kernel's own words, not the peer's.
      rows[0]?.lastError?.message ?? '',
      JSON.parse(daemonJson).providers[0].lastError.message,
    ];
  };
}

/** The text between masks (a mask itself is not a leak), each distinct output once. */
function piecesOf(outputs: readonly string[]): string[] {
  return [...new Set(outputs)].flatMap((output) => output.split(MASK));
}

function countIn(pieces: readonly string[], needle: string): number {
  let count = 0;
  for (const piece of pieces) for (let at = piece.indexOf(needle); at >= 0; at = piece.indexOf(needle, at + 1)) count += 1;
  return count;
}

/** Every base64 run of `minDigits` or more in the pieces, decoded from each of its first four digits (every alignment). */
function decodeRuns(pieces: readonly string[], minDigits: number): Buffer[] {
  const decoded: Buffer[] = [];
  for (const piece of pieces) {
    for (const run of piece.match(/[A-Za-z0-9+/_-]+/g) ?? []) {
      if (run.length >= minDigits) for (let skip = 0; skip < 4; skip++) decoded.push(Buffer.from(run.slice(skip), 'base64'));
    }
  }
  return decoded;
}

/**
 * The first leak in `outputs`, described, or undefined: an echo or a secret between the masks, or a
 * secret of four bytes or more (shorter ones turn up in decoded random text by chance) in what
 * base64 there decodes to. `baseline` is what the same pipeline writes for a reply that echoes
 * nothing: the kernel's own words (a key `name`, a code `XPORT_LOGON_FAILED`) may hold a
 * one-letter secret by chance, and only what the reply added counts.
 */
function findLeak(outputs: readonly string[], baseline: readonly string[], secrets: Record<'user' | 'secret', string>, echoes: readonly Echo[]): string | undefined {
  const [pieces, basePieces] = [piecesOf(outputs), piecesOf(baseline)];
  const needles = [...echoes.map((e) => ['echo', e.text] as const), ...Object.entries(secrets)];
  for (const [name, needle] of needles) {
    if (countIn(pieces, needle) > countIn(basePieces, needle)) return `${name} ${JSON.stringify(needle)} in ${JSON.stringify(outputs)}`;
  }
  const long = Object.entries(secrets).map(([name, value]) => [name, Buffer.from(value)] as const).filter(([, bytes]) => bytes.length >= 4);
  if (long.length === 0) return undefined;
  // The fewest digits that can hold the shortest of them, whatever the alignment.
  const minDigits = Math.ceil((Math.min(...long.map(([, bytes]) => bytes.length)) * 8) / 6);
  const decoded = decodeRuns(pieces, minDigits);
  for (const [name, bytes] of long) {
    if (decoded.some((b) => b.includes(bytes)) && !decodeRuns(basePieces, minDigits).some((b) => b.includes(bytes))) {
      return `${name} ${JSON.stringify(bytes.toString())} in base64 in ${JSON.stringify(outputs)}`;
    }
  }
  return undefined;
}

describe('secrets echoed by a peer, in every encoding', () => {
  it(`no output holds a secret: ${CASES.toLocaleString('en')} generated secrets and replies`, () => {
    const relay = resolveSmtpConfig({ relay: { host: '127.0.0.1', port: 2525 } }).relay!;
    fc.assert(
      fc.property(echoCase, ({ user, secret, method, echoes: specs, tail }) => {
        const secrets = { user, secret };
        const echoes = specs.map(([, spec]) => toEcho(spec, user, secret));
        // Whole echoes each path must leave no trace of. A value under 3 bytes framed in a longer blob is
        // found only where the framing is known: provider-smtp knows its logon payloads, the kernel
        // knows no pairs; such a blob still loses every longer value it holds (checked below as well).
        const tooShort = (e: Echo) => e.holds.every((h) => Buffer.byteLength(secrets[h]) < MIN_EMBEDDED_BYTES);
        const smtpMustMask = echoes.filter((e) => !(e.framing === 'unknown' && tooShort(e)));
        const kernelMustMask = echoes.filter((e) => !(e.framing !== 'none' && tooShort(e)));
        const reply = `5.7.8 Authentication failed: ${specs.map(([before], i) => `${before}${echoes[i]!.text}`).join('')}${tail}`;
        const refusal = (text: string) => Object.assign(new Error(`Invalid login: 535 ${text}`), { code: 'EAUTH', response: `535 ${text}`, responseCode: 535, command: `AUTH ${method}` });
        const error = refusal(reply);
        const neutral = refusal('5.7.8 Authentication failed: ');

        // The kernel learns every credential value it hands out (not which ones belong together).
        const redactor = new SecretRedactor();
        redactor.add(user);
        redactor.add(secret);
        const kernelOutputs = createKernelOutputs(redactor);

        // provider-smtp: its error and its log line, then everything the kernel writes of them.
        const credentials = credentialsOf(method === 'XOAUTH2' ? { username: user, oauth2AccessToken: secret } : { username: user, password: secret });
        const auth = toRelayAuth(credentials, method);
        const throughSmtp = (refused: typeof error) => {
          const logon = toLogonError(refused, relay, auth);
          return kernelOutputs({ message: 'smtp relay logon failed', fields: { code: logon.code, ...logon.details } }, logon.message);
        };
        const smtpLeak = findLeak(throughSmtp(error), throughSmtp(neutral), secrets, smtpMustMask);
        expect(smtpLeak, 'through provider-smtp').toBeUndefined();

        // A provider that passes the reply on untouched: the kernel alone masks it.
        const passedOn = (refused: typeof error) =>
          kernelOutputs({ message: 'relay refused the logon', fields: { reply: refused.response, error: refused } }, `provider "smtp": ${refused.message}`);
        const kernelLeak = findLeak(passedOn(error), passedOn(neutral), secrets, kernelMustMask);
        expect(kernelLeak, 'through the kernel alone').toBeUndefined();
      }),
      { numRuns: CASES },
    );
  }, 600_000);
});
