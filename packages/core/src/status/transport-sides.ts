import type { TransportSide, TransportSideState } from '@xport/provider-sdk';
import type { SecretRedactor } from '../logging/secret-redactor.js';

const STATES: ReadonlySet<TransportSideState> = new Set(['up', 'down', 'off']);
// A status row is written to daemon.json and printed: what a provider reports is bounded.
const MAX_SIDES = 8;
const MAX_NAME = 32;
const MAX_TEXT = 512;

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function toSide(value: unknown, redactor: SecretRedactor): TransportSide | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, state, detail, error } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name === '' || !STATES.has(state as TransportSideState)) return undefined;
  const side: { -readonly [K in keyof TransportSide]: TransportSide[K] } = { name: bounded(name, MAX_NAME), state: state as TransportSideState };
  if (typeof detail === 'string' && detail !== '') side.detail = bounded(redactor.redact(detail), MAX_TEXT);
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as Record<string, unknown>;
    if (typeof code === 'string' && typeof message === 'string') side.error = { code: bounded(code, MAX_NAME * 2), message: bounded(redactor.redact(message), MAX_TEXT) };
  }
  return side;
}

/**
 * The sides a transport reports through `sides()`, as a status row carries them: well-formed
 * entries only, bounded, and texts through the secret redactor like `lastError`. A provider whose
 * `sides()` throws or returns something else reports none: the status table never fails for it.
 */
export function readTransportSides(instance: object | undefined, redactor: SecretRedactor): TransportSide[] | undefined {
  const report = (instance as { sides?: unknown } | undefined)?.sides;
  if (typeof report !== 'function') return undefined;
  let reported: unknown;
  try {
    reported = (report as () => unknown).call(instance);
  } catch {
    return undefined;
  }
  if (!Array.isArray(reported)) return undefined;
  const sides = reported
    .slice(0, MAX_SIDES)
    .map((value) => toSide(value, redactor))
    .filter((side): side is TransportSide => side !== undefined);
  return sides.length > 0 ? sides : undefined;
}
