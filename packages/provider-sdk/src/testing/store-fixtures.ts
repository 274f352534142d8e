import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Recipient } from '../address.js';
import type { ContentPartInput, MessageEnvelope, RecipientRole } from '../message.js';
import type { ReceiveRequest, SubmitRequest } from '../store.js';
import { createSubmitFingerprint } from '../submit-fingerprint.js';

/**
 * An envelope with the defaults a kernel would fill in.
 *
 * @example
 * makeEnvelope({ subject: 'hello' })
 */
export function makeEnvelope(overrides: Partial<MessageEnvelope> = {}): MessageEnvelope {
  return { headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false, ...overrides };
}

export interface FixtureRecipient {
  /** `type:address` or a recipient object; default type `test`. */
  readonly to: string | Recipient;
  readonly provider: string | null;
  readonly role?: RecipientRole;
  readonly state?: 'queued' | 'failed';
  /** The destination the kernel would name (`SubmitRequest` recipients' `destination`); none by default. */
  readonly destination?: string;
}

function toFixtureRecipient(to: string | Recipient): Recipient {
  if (typeof to !== 'string') return to;
  const colon = to.indexOf(':');
  return colon > 0 ? { type: to.slice(0, colon), address: to.slice(colon + 1) } : { type: 'test', address: to };
}

/**
 * A submit request: one text part, recipients with their providers, submitted at `submittedAt` (default 1000).
 * With an idempotency key it carries the content's fingerprint, as the kernel's requests do, unless
 * `fingerprint: false` (a caller that predates fingerprints).
 *
 * @example
 * makeSubmitRequest({ recipients: [{ to: 'test:ada', provider: 'p1' }], idempotencyKey: 'k1' })
 */
export function makeSubmitRequest(
  options: {
    readonly recipients?: readonly FixtureRecipient[];
    readonly subject?: string;
    readonly text?: string;
    readonly parts?: readonly ContentPartInput[];
    readonly submittedAt?: number;
    readonly expiresAt?: number;
    readonly idempotencyKey?: string;
    readonly fingerprint?: boolean;
  } = {},
): SubmitRequest {
  const submittedAt = options.submittedAt ?? 1000;
  const recipients = options.recipients ?? [{ to: 'test:ada', provider: 'p1' }];
  const request: SubmitRequest = {
    envelope: makeEnvelope({ subject: options.subject ?? 'conformance' }),
    recipients: recipients.map((r) => ({
      recipient: toFixtureRecipient(r.to),
      role: r.role ?? 'to',
      provider: r.provider,
      ...(r.state === undefined ? {} : { state: r.state }),
      ...(r.destination === undefined ? {} : { destination: r.destination }),
      ...(r.state === 'failed' ? { lastError: { code: 'NO_ROUTE', diagnostic: 'no provider for this address type' } } : {}),
    })),
    parts: options.parts ?? [{ kind: 'text', contentType: 'text/plain; charset=utf-8', content: options.text ?? 'hello from the conformance suite' }],
    submittedAt,
    expiresAt: options.expiresAt ?? submittedAt + 86_400_000,
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
  };
  if (options.idempotencyKey === undefined || options.fingerprint === false) return request;
  const { parts, fingerprint } = createSubmitFingerprint(request);
  return { ...request, parts, fingerprint };
}

/**
 * A receive request for some mailboxes, with one text part.
 *
 * @example
 * makeReceiveRequest({ mailboxes: ['test:ada'], receivedAt: 5000 })
 */
export function makeReceiveRequest(
  options: {
    readonly mailboxes?: readonly string[];
    readonly subject?: string;
    readonly text?: string;
    readonly receivedAt?: number;
    readonly receivedBy?: string;
    readonly idempotencyKey?: string;
  } = {},
): ReceiveRequest {
  return {
    mailboxes: options.mailboxes ?? ['test:ada'],
    envelope: makeEnvelope({ subject: options.subject ?? 'inbound' }),
    parts: [{ kind: 'text', contentType: 'text/plain; charset=utf-8', content: options.text ?? 'hello inbox' }],
    receivedAt: options.receivedAt ?? 1000,
    ...(options.receivedBy === undefined ? {} : { receivedBy: options.receivedBy }),
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
  };
}

/**
 * Deterministic pseudo-random bytes, `total` of them in `chunkSize` pieces, generated as they are read.
 * `digest()` is the SHA-256 of everything yielded so far.
 *
 * @example
 * const source = generateBytes(20 * 1024 * 1024); // a 20 MB attachment, never held whole
 */
export function generateBytes(total: number, chunkSize = 64 * 1024, seed = 0x9e3779b9): AsyncIterable<Uint8Array> & { digest(): string } {
  const hash = createHash('sha256');
  return {
    digest: () => hash.copy().digest('hex'),
    async *[Symbol.asyncIterator]() {
      let state = seed >>> 0;
      for (let sent = 0; sent < total; sent += chunkSize) {
        const chunk = new Uint8Array(Math.min(chunkSize, total - sent));
        for (let i = 0; i < chunk.length; i += 1) {
          // xorshift32: cheap bytes that are not all the same.
          state ^= state << 13;
          state ^= state >>> 17;
          state ^= state << 5;
          chunk[i] = state & 0xff;
        }
        hash.update(chunk);
        yield chunk;
      }
    },
  };
}

/**
 * Reads a part stream to its end, hashing it: the SHA-256 and the byte count, never the whole content.
 *
 * @example
 * const { sha256, size } = await hashStream(store.openPart(partId));
 */
export async function hashStream(stream: Readable): Promise<{ sha256: string; size: number; chunks: number }> {
  const hash = createHash('sha256');
  let size = 0;
  let chunks = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    chunks += 1;
  }
  return { sha256: hash.digest('hex'), size, chunks };
}

/**
 * Reads a (small) part stream as UTF-8 text.
 *
 * @example
 * expect(await readText(store.openPart(partId))).toBe('hello');
 */
export async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
