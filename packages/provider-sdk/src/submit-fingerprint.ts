import { createHash } from 'node:crypto';
import type { Recipient } from './address.js';
import { XportError } from './errors.js';
import type { ContentInput, ContentPartInput, MessageEnvelope, RecipientRole } from './message.js';
import type { SubmitRequest, SubmitResult } from './store.js';

/**
 * What a submission's content comes to, kept with its idempotency key so a repeated key can tell a
 * retry (same content) from a different message (`XPORT_IDEMPOTENCY_CONFLICT`). Streamed parts are
 * hashed while the store reads them, so nothing is read twice or held whole.
 */
export interface SubmitFingerprint {
  /** The fingerprint (hex SHA-256) once every part of the request has been read to its end; undefined until then. */
  readonly digest: string | undefined;
  /**
   * Reads to its end every part nobody has started reading (the bytes are hashed and dropped) and
   * resolves with the fingerprint: for a store that found the key before it wrote any content.
   * Rejects if a part was read only partly.
   */
  settle(): Promise<string>;
}

/** What the fingerprint covers: the message as its sender gave it, not where it is routed or when. */
export interface FingerprintInput {
  readonly envelope: MessageEnvelope;
  readonly recipients: ReadonlyArray<{ readonly recipient: Recipient; readonly role: RecipientRole }>;
  readonly parts: readonly ContentPartInput[];
}

// Bumped if what the fingerprint covers ever changes: keys stored under another version then read as
// different content, never as a silent match.
const VERSION = 'xport.submit-fingerprint.1';

const recipientFields = (r: Recipient): [string, string, string | null] => [r.type, r.address, r.name ?? null];

/** Envelope, recipients and part descriptions as one JSON text; headers sorted, since their order carries no meaning. */
function describeHead(input: FingerprintInput): string {
  const { envelope } = input;
  const headers = Object.entries(envelope.headers).sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  return JSON.stringify([
    VERSION,
    envelope.from === undefined ? null : recipientFields(envelope.from),
    envelope.subject ?? null,
    headers,
    envelope.messageId ?? null,
    envelope.kind,
    envelope.reportFor ?? null,
    envelope.deliveryReport,
    envelope.suppressNdr,
    input.recipients.map((r) => [...recipientFields(r.recipient), r.role]),
    input.parts.map((p) => [p.kind, p.contentType, p.filename ?? null, p.contentId ?? null]),
    // Only when given: a message without DSN parameters keeps the fingerprint it always had.
    ...(envelope.dsn === undefined ? [] : [envelope.dsn]),
  ]);
}

const sha256 = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

type PartHash = { state: 'done'; hex: string } | { state: 'unread' | 'reading'; content: AsyncIterable<Uint8Array> };

/** A streamed part that hashes what passes through it; read once (a second read would hash nothing). */
function hashWhileRead(hash: PartHash & { state: 'unread' | 'reading' }, source: AsyncIterable<Uint8Array>, done: (hex: string) => void): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      if (hash.state !== 'unread') throw new Error('submit fingerprint: a streamed part can be read only once');
      hash.state = 'reading';
      const running = createHash('sha256');
      for await (const chunk of source) {
        running.update(chunk);
        yield chunk;
      }
      done(running.digest('hex'));
    },
  };
}

const inMemory = (content: ContentInput): content is string | Uint8Array => typeof content === 'string' || content instanceof Uint8Array;

/**
 * Fingerprints a submission for its idempotency key: returns the parts to hand to the store (the
 * same objects for text and bytes, hashing wrappers for streams) and the fingerprint, complete once
 * the store has read every part. It covers the envelope, the recipients with their roles, each part's
 * description and bytes — not submit time, expiry, routing or recipient state.
 *
 * @example
 * const { parts, fingerprint } = createSubmitFingerprint({ envelope, recipients, parts: content });
 * await store.submit({ envelope, recipients: routed, parts, fingerprint, idempotencyKey, submittedAt, expiresAt });
 */
export function createSubmitFingerprint(input: FingerprintInput): { parts: ContentPartInput[]; fingerprint: SubmitFingerprint } {
  const head = describeHead(input);
  const hashes: PartHash[] = [];
  let digest: string | undefined;
  const finish = (): void => {
    if (hashes.every((h) => h.state === 'done')) digest = sha256(`${head}\n${hashes.map((h) => (h as { hex: string }).hex).join('\n')}`);
  };
  const parts = input.parts.map((part, i): ContentPartInput => {
    if (inMemory(part.content)) {
      hashes.push({ state: 'done', hex: sha256(part.content) });
      return part;
    }
    const hash: PartHash & { state: 'unread' } = { state: 'unread', content: part.content };
    hashes.push(hash);
    const content = hashWhileRead(hash, part.content, (hex) => {
      hashes[i] = { state: 'done', hex };
      finish();
    });
    hash.content = content;
    return { ...part, content };
  });
  finish();
  return {
    parts,
    fingerprint: {
      get digest() {
        return digest;
      },
      async settle() {
        for (const [i, hash] of hashes.entries()) {
          if (hash.state === 'reading') throw new Error(`submit fingerprint: part ${i} was read only partly, so its content cannot be fingerprinted`);
          if (hash.state === 'unread') for await (const chunk of hash.content) void chunk;
        }
        return digest!;
      },
    },
  };
}

/**
 * The fingerprint a store keeps with a request's idempotency key: null without a key or without a
 * fingerprint. Call it once the parts are written; it throws if one was not read to its end.
 *
 * @example
 * insert.run(id, request.idempotencyKey ?? null, fingerprintToKeep(request));
 */
export function fingerprintToKeep(request: SubmitRequest): string | null {
  if (request.idempotencyKey === undefined || request.fingerprint === undefined) return null;
  const { digest } = request.fingerprint;
  if (digest === undefined) throw new Error('submit fingerprint: the store kept a message before reading all of its parts');
  return digest;
}

/**
 * What a submit comes to when its idempotency key already names a message: that message (a retry,
 * `duplicate: true`) when the content is the same or cannot be compared — the earlier message was
 * kept without a fingerprint (before fingerprints existed) or this request has none — and
 * `XPORT_IDEMPOTENCY_CONFLICT` when it differs. A store that has not read the request's parts calls
 * `request.fingerprint.settle()` first.
 *
 * @example
 * const earlier = findByKey(request.idempotencyKey);
 * if (earlier) { await request.fingerprint?.settle(); return resolveRepeatedKey(request, earlier, 'sqlite store /var/x/store.db'); }
 */
export function resolveRepeatedKey(request: SubmitRequest, earlier: { readonly messageId: string; readonly fingerprint?: string | null }, store: string): SubmitResult {
  const kept = earlier.fingerprint ?? null;
  const given = request.fingerprint === undefined ? null : fingerprintToKeep(request);
  if (kept === null || given === null || kept === given) return { messageId: earlier.messageId, duplicate: true };
  const key = request.idempotencyKey ?? '';
  throw new XportError(
    'XPORT_IDEMPOTENCY_CONFLICT',
    `${store}: idempotency key ${JSON.stringify(key)} already names message ${earlier.messageId}, whose content differs from this submit (fingerprint ${kept.slice(0, 12)}… vs ${given.slice(0, 12)}…); a retry must repeat the content exactly, a new message needs a new key`,
    { details: { idempotencyKey: key, messageId: earlier.messageId, expected: kept, found: given } },
  );
}
