import { expect } from 'vitest';
import type { ErrorCode } from '../../error-codes.js';
import { XportError } from '../../errors.js';
import type { ProviderManifest } from '../../manifest.js';
import type { MessageStore } from '../../store.js';

/** Writes a stored message's field as this JSON value, bypassing the store (see `StoreFactory`). */
export type RecordRewriter = (messageId: string, field: 'envelope' | 'parts', value: unknown) => Promise<void>;

/** What a group of conformance cases gets: the store of the running test, and what its factory offers. */
export interface ConformanceContext {
  store(): MessageStore;
  /** The running test's record rewriter, when the store's factory has one. */
  rewriteRecord(): RecordRewriter | undefined;
  /** The store's manifest, when the suite was given one. */
  manifest(): ProviderManifest | undefined;
  /** Closes the running test's store and opens a new one over the same storage (durable stores). */
  readonly reopen: { available(): boolean; run(): Promise<void> };
}

/** Awaits a rejection and checks it is an xport error with this code; returns it for more checks. */
export async function expectXportError(promise: Promise<unknown>, code: ErrorCode): Promise<XportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a rejection with ${code}`).toBeDefined();
  expect(XportError.is(error), `expected an XportError, got ${String(error)}`).toBe(true);
  expect((error as XportError).code).toBe(code);
  return error as XportError;
}

export const LEASE_MS = 60_000;
