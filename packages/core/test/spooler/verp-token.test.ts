import { describe, expect, it } from 'vitest';
import { toAssignedRecipients } from '../../src/spooler/outbound-message.js';
import { createVerpCodec } from '../../src/spooler/verp-token.js';

const BASE = { local: 'bounces', domain: 'example.org' };
const ID = '0197f0c2-7a3e-7000-8000-123456789abc';

describe('VERP return paths (reports.verp with reports.verpKey)', () => {
  const verp = createVerpCodec(BASE, 'a-key-of-some-length')!;

  it('writes one sub-address per recipient and reads back the recipient it names', () => {
    const first = verp.returnPathOf(ID, 0)!;
    const eleventh = verp.returnPathOf(ID, 10)!;
    expect(first.type).toBe('smtp');
    expect(first.address).toMatch(new RegExp(`^bounces\\+${ID}\\.0\\.[a-z2-7]{13}@example\\.org$`));
    expect(eleventh.address).toMatch(new RegExp(`^bounces\\+${ID}\\.a\\.[a-z2-7]{13}@example\\.org$`));
    expect(first.address.split('@')[0]!.length).toBeLessThanOrEqual(64);
    const token = (address: string) => address.slice('bounces+'.length, address.indexOf('@'));
    expect(verp.read(token(first.address))).toEqual({ messageId: ID, recipientIndex: 0 });
    expect(verp.read(token(eleventh.address))).toEqual({ messageId: ID, recipientIndex: 10 });
    // A relay that folds the local part to upper case still names the recipient (the mac is compared in lower case).
    expect(verp.read(token(first.address).replace(/\.[a-z2-7]{13}$/, (mac) => mac.toUpperCase()))).toEqual({ messageId: ID, recipientIndex: 0 });
  });

  it('trusts no token it did not write: another index, another message, another key, a mangled one', () => {
    const token = verp.returnPathOf(ID, 0)!.address.slice('bounces+'.length).split('@')[0]!;
    const [, , mac] = token.split('.');
    expect(verp.read(`${ID}.1.${mac}`)).toBeUndefined();
    expect(verp.read(`${ID.replace('abc', 'abd')}.0.${mac}`)).toBeUndefined();
    expect(createVerpCodec(BASE, 'another-key')!.read(token)).toBeUndefined();
    for (const mangled of ['', 'bob=remote.test', `${ID}.0`, `${ID}.0.${mac}.x`, `${ID}.0.${mac!.slice(1)}`, `${ID}.-1.${mac}`]) expect(verp.read(mangled)).toBeUndefined();
  });

  it('is off without a base or a key, and writes none for an id that cannot go in an address or would be too long', () => {
    expect(createVerpCodec(undefined, 'key')).toBeUndefined();
    expect(createVerpCodec(BASE, undefined)).toBeUndefined();
    expect(createVerpCodec(BASE, '')).toBeUndefined();
    expect(verp.returnPathOf('id with spaces', 0)).toBeUndefined();
    expect(verp.returnPathOf('x'.repeat(60), 0)).toBeUndefined();
  });

  it('gives each assigned recipient its return path, except for a message without a sender or a report', () => {
    const claim = (index: number) => ({ leaseId: 'l', messageId: ID, recipientIndex: index, recipient: { type: 'smtp', address: `r${index}@remote.test` }, role: 'to' as const, provider: 'smtp', attempts: 0, leaseExpiresAt: 0 });
    const envelope = { from: { type: 'smtp', address: 'ada@example.org' }, headers: {}, kind: 'note' as const, deliveryReport: false, suppressNdr: false };
    const assigned = toAssignedRecipients([claim(0), claim(2)], { id: ID, envelope }, verp);
    expect(assigned.map((a) => [a.index, a.returnPath?.address])).toEqual([
      [0, verp.returnPathOf(ID, 0)!.address],
      [2, verp.returnPathOf(ID, 2)!.address],
    ]);
    const { from: _from, ...nullSender } = envelope;
    expect(toAssignedRecipients([claim(0)], { id: ID, envelope: nullSender }, verp)[0]!.returnPath).toBeUndefined();
    expect(toAssignedRecipients([claim(0)], { id: ID, envelope: { ...envelope, kind: 'report.ndr' } }, verp)[0]!.returnPath).toBeUndefined();
    expect(toAssignedRecipients([claim(0)], { id: ID, envelope })[0]!.returnPath).toBeUndefined();
  });
});
