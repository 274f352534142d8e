import { XportError } from '@xport/provider-sdk';
import type { RetryOptions, SpoolerOptions } from './host.js';

/** Defaults; the retry schedule is Postfix's (300 s, 4000 s, 5 days). */
export const DEFAULT_SPOOLER_OPTIONS: SpoolerOptions = {
  leaseMs: 5 * 60_000,
  batchSize: 100,
  pollMs: 30_000,
  sendTimeoutMs: 2 * 60_000,
  stopTimeoutMs: 10_000,
  maxMessageBytes: 25 * 1024 * 1024,
  retry: { minDelayMs: 300_000, maxDelayMs: 4_000_000, lifetimeMs: 432_000_000 },
};

export type SpoolerOptionsInput = Partial<Omit<SpoolerOptions, 'retry'>> & { readonly retry?: Partial<RetryOptions> };

function positive(path: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new XportError('XPORT_CONFIG_INVALID', `spooler option ${path} must be a positive number (got ${String(value)})`, {
      details: { path, value },
    });
  }
  return value;
}

/**
 * Fills in defaults and checks every option is a positive number (a zero delay would let the loop spin).
 *
 * @example
 * toSpoolerOptions({ pollMs: 1000, retry: { minDelayMs: 60_000 } })
 */
export function toSpoolerOptions(input: SpoolerOptionsInput = {}): SpoolerOptions {
  const d = DEFAULT_SPOOLER_OPTIONS;
  const retry: RetryOptions = {
    minDelayMs: positive('retry.minDelayMs', input.retry?.minDelayMs ?? d.retry.minDelayMs),
    maxDelayMs: positive('retry.maxDelayMs', input.retry?.maxDelayMs ?? d.retry.maxDelayMs),
    lifetimeMs: positive('retry.lifetimeMs', input.retry?.lifetimeMs ?? d.retry.lifetimeMs),
  };
  if (retry.maxDelayMs < retry.minDelayMs) {
    throw new XportError(
      'XPORT_CONFIG_INVALID',
      `spooler option retry.maxDelayMs (${retry.maxDelayMs}) must not be below retry.minDelayMs (${retry.minDelayMs})`,
      { details: { path: 'retry.maxDelayMs' } },
    );
  }
  return {
    leaseMs: positive('leaseMs', input.leaseMs ?? d.leaseMs),
    batchSize: Math.floor(positive('batchSize', input.batchSize ?? d.batchSize)),
    pollMs: positive('pollMs', input.pollMs ?? d.pollMs),
    sendTimeoutMs: positive('sendTimeoutMs', input.sendTimeoutMs ?? d.sendTimeoutMs),
    stopTimeoutMs: positive('stopTimeoutMs', input.stopTimeoutMs ?? d.stopTimeoutMs),
    maxMessageBytes: positive('maxMessageBytes', input.maxMessageBytes ?? d.maxMessageBytes),
    retry,
  };
}
