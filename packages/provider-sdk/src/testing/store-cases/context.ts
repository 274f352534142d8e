import { expect } from 'vitest';
import type { ErrorCode } from '../../error-codes.js';
import { XportError } from '../../errors.js';
import type { MessageStore } from '../../store.js';

/** What a group of conformance cases gets: the store of the running test. */
export interface ConformanceContext {
  store(): MessageStore;
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
