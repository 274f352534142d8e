import { parseRecipient, toRecipient, type Recipient } from '../address.js';
import type { OutboundHookInput } from '../hook.js';
import type { InboundMessage, MessageInput, RecipientRole } from '../message.js';
import type { HookSample } from './hook-options.js';

function toSampleRecipient(value: Recipient | string): Recipient {
  return typeof value === 'string' ? parseRecipient(value) : toRecipient(value.type, value.address, value.name);
}

/**
 * What a hook's `outbound(message)` receives for a message submitted as `input`: recipients parsed,
 * with their roles, the subject and the extra headers. For calling a hook directly in a unit test.
 *
 * @example
 * const verdict = await hook.outbound?.(makeOutboundHookInput({ to: ['ada@example.org'], subject: 'hi' }));
 */
export function makeOutboundHookInput(input: MessageInput): OutboundHookInput {
  const recipients: Array<{ recipient: Recipient; role: RecipientRole }> = [];
  for (const role of ['to', 'cc', 'bcc'] as const) for (const value of input[role] ?? []) recipients.push({ recipient: toSampleRecipient(value), role });
  return {
    ...(input.from === undefined ? {} : { from: toSampleRecipient(input.from) }),
    recipients,
    ...(input.subject === undefined ? {} : { subject: input.subject }),
    headers: { ...input.headers },
  };
}

/**
 * A deep copy whose plain objects and arrays are frozen (bytes are copied, not frozen: a typed array
 * cannot be). A hook handed one cannot change the message it judges, only answer with a verdict.
 */
export function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map((item: unknown) => frozenCopy(item))) as T;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)) as T;
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) Object.defineProperty(copy, key, { value: frozenCopy(item), enumerable: true });
  return Object.freeze(copy) as T;
}

/** How a sample is named in failures. */
export function sampleName(sample: HookSample<MessageInput | InboundMessage>, index: number): string {
  return sample.name ?? `sample ${index}${sample.message.subject === undefined ? '' : ` (${JSON.stringify(sample.message.subject.slice(0, 60))})`}`;
}

/** A plain message for the direction a hook does not judge, and for a hook that is not online. */
export const PLAIN_OUTBOUND: MessageInput = Object.freeze({ to: ['loopback:conformance'], subject: 'xport hook conformance', text: 'A message the hook does not judge.' });
export const PLAIN_INBOUND: InboundMessage = Object.freeze({
  recipients: [{ type: 'loopback', address: 'conformance' }],
  from: { type: 'loopback', address: 'sender' },
  subject: 'xport hook conformance',
  headers: { 'X-Conformance': 'plain' },
  text: 'A message the hook does not judge.',
});
