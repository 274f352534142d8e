import { describe, expect, it } from 'vitest';
import { RECIPIENT_STATES, asyncBounceTransition, isPurgeableSuppression, sentMessageKeysOf, suppressionPurgeBefore, type SuppressionEntry } from '../src/index.js';

const GONE = { code: '5.1.1', diagnostic: 'smtp; 550 5.1.1 user unknown' };

describe('the async bounce transition', () => {
  it('fails a delivered recipient with the bounce, and changes no other state', () => {
    for (const state of RECIPIENT_STATES) {
      expect(asyncBounceTransition(state, GONE), state).toEqual(state === 'delivered' ? { state: 'failed', lastError: GONE, event: 'bounced' } : undefined);
    }
    // Applied once, the recipient is failed: the same bounce again is no transition.
    expect(asyncBounceTransition(asyncBounceTransition('delivered', GONE)!.state, GONE)).toBeUndefined();
  });

  it('finds a message by the ENVID and Message-ID of its envelope', () => {
    const envelope = { headers: {}, kind: 'note' as const, deliveryReport: false, suppressNdr: false };
    expect(sentMessageKeysOf(envelope)).toEqual({ envelopeId: null, messageId: null });
    expect(sentMessageKeysOf({ ...envelope, messageId: '<a@b>', dsn: { envelopeId: 'e-1', ret: 'hdrs' } })).toEqual({ envelopeId: 'e-1', messageId: '<a@b>' });
  });
});

describe('the suppression purge rule', () => {
  const entry = (over: Partial<SuppressionEntry>): SuppressionEntry => ({ address: 'smtp:a@b.example', hardBounces: 1, lastBounceAt: 1000, manual: false, updatedAt: 1000, ...over });

  it('purges an entry whose last hard bounce is older than ttlMs, never one added by hand or without a bounce', () => {
    const before = suppressionPurgeBefore(11_000, { afterHardBounces: 1, ttlMs: 10_000 });
    expect(before).toBe(1000);
    expect(isPurgeableSuppression(entry({ lastBounceAt: 999 }), before)).toBe(true);
    expect(isPurgeableSuppression(entry({ lastBounceAt: 1000 }), before)).toBe(false);
    expect(isPurgeableSuppression(entry({ lastBounceAt: 0, manual: true }), before)).toBe(false);
    expect(isPurgeableSuppression(entry({ lastBounceAt: null, hardBounces: 0, manual: true }), before)).toBe(false);
  });
});
