import { describe, expect, it } from 'vitest';
import type { AssignedRecipient, OutboundMessage } from '@xport/provider-sdk';
import type { ResolvedListenConfig } from '../src/config.js';
import { refuseRecipient } from '../src/inbound-policy.js';
import { groupByDsn } from '../src/relay-dsn.js';

const listen = { addresses: ['bounces@xport.test'], domains: ['example.org'] } as unknown as ResolvedListenConfig;

function message(): OutboundMessage {
  return {
    id: 'm1',
    envelope: { from: { type: 'smtp', address: 'ada@example.org' }, headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false },
    recipients: [],
    parts: [],
    size: 0,
    submittedAt: 0,
    openPart: () => {
      throw new Error('not read');
    },
  };
}

const assigned = (index: number, returnPath?: string): AssignedRecipient => ({
  index,
  recipient: { type: 'smtp', address: `r${index}@remote.test` },
  role: 'to',
  attempts: 0,
  ...(returnPath === undefined ? {} : { returnPath: { type: 'smtp', address: returnPath } }),
});

describe('VERP return paths on the SMTP transport', () => {
  it('the listener accepts sub-addresses of a listed address (RFC 5233), and nothing else of its domain', () => {
    expect(refuseRecipient('bounces@xport.test', listen)).toBeUndefined();
    expect(refuseRecipient('bounces+0197f0c2.0.abcdefghijklm@xport.test', listen)).toBeUndefined();
    expect(refuseRecipient('Bounces+Token@XPORT.test', listen)).toBeUndefined();
    expect(refuseRecipient('other+token@xport.test', listen)).toMatchObject({ responseCode: 550 });
    expect(refuseRecipient('bounces@elsewhere.test', listen)).toMatchObject({ responseCode: 550 });
    expect(refuseRecipient('anyone+x@example.org', listen)).toBeUndefined();
  });

  it('the relay sends each recipient with a return path in a transaction of its own, from that path', () => {
    const groups = groupByDsn(message(), [assigned(0, 'bounces+a@xport.test'), assigned(1, 'bounces+b@xport.test'), assigned(2), assigned(3)]);
    expect(groups.map((g) => [g.recipients.map((r) => r.index), g.returnPath?.address])).toEqual([
      [[0], 'bounces+a@xport.test'],
      [[1], 'bounces+b@xport.test'],
      [[2, 3], undefined],
    ]);
  });
});
