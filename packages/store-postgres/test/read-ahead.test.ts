import { describe, expect, it } from 'vitest';
import { ReadAhead, type MessageReadAhead } from '../src/read-ahead.js';

function message(id: string, state = 'in-flight'): MessageReadAhead {
  return {
    seq: 1,
    id,
    idempotency_key: null,
    envelope: { kind: 'note', headers: {} },
    parts: [],
    size: 0,
    submitted_at: 1000,
    expires_at: 2000,
    finished_at: null,
    recipients: [{ message_seq: 1, idx: 0, recipient: { type: 't', address: 'a' }, role: 'to', provider: 'p1', state, attempts: 0, next_attempt_at: null, last_error: null, updated_at: 1000 }],
  };
}

const part = (partId: string, bytes: number) => ({ partId, data: Buffer.alloc(bytes, 1) });

describe('ReadAhead', () => {
  it('serves a kept record and part once', () => {
    const cache = new ReadAhead();
    cache.keep(cache.ticket(), ['m1'], [message('m1')], [part('p1', 3)]);
    expect(cache.takeMessage('m1')?.id).toBe('m1');
    expect(cache.takeMessage('m1')).toBeUndefined();
    expect(cache.takePart('p1')?.length).toBe(3);
    expect(cache.takePart('p1')).toBeUndefined();
  });

  it('keeps no record when a write to the message was in flight while the claim ran', () => {
    const cache = new ReadAhead();
    const done = cache.write('m1');
    const ticket = cache.ticket();
    cache.keep(ticket, ['m1'], [message('m1')], []);
    done();
    expect(cache.takeMessage('m1')).toBeUndefined();
  });

  it('keeps no record when a write to the message began and settled while the claim ran', () => {
    const cache = new ReadAhead();
    const ticket = cache.ticket();
    cache.write('m1')();
    cache.keep(ticket, ['m1'], [message('m1')], []);
    expect(cache.takeMessage('m1')).toBeUndefined();
  });

  it('keeps a record when the write settled before the claim began, and for other messages', () => {
    const cache = new ReadAhead();
    cache.write('m1')();
    const busy = cache.write('m2');
    const ticket = cache.ticket();
    cache.keep(ticket, ['m1', 'm3'], [message('m1'), message('m3')], []);
    busy();
    expect(cache.takeMessage('m1')).toBeDefined();
    expect(cache.takeMessage('m3')).toBeDefined();
  });

  it('drops a kept record when a write to it begins', () => {
    const cache = new ReadAhead();
    cache.keep(cache.ticket(), ['m1'], [message('m1')], []);
    const done = cache.write('m1');
    expect(cache.takeMessage('m1')).toBeUndefined();
    done();
  });

  it('a write to messages unknown (makeDue, a failed claim) drops every record and refuses claims that overlapped it', () => {
    const cache = new ReadAhead();
    cache.keep(cache.ticket(), ['m1'], [message('m1')], [part('p1', 1)]);
    const ticket = cache.ticket();
    const done = cache.write();
    expect(cache.takeMessage('m1')).toBeUndefined();
    done();
    cache.keep(ticket, ['m2'], [message('m2')], []);
    expect(cache.takeMessage('m2')).toBeUndefined();
    // Content does not change: the part read ahead is still served.
    expect(cache.takePart('p1')).toBeDefined();
  });

  it('a claim that settles later drops what an earlier claim read of the same message', () => {
    const cache = new ReadAhead();
    const first = cache.ticket();
    const second = cache.ticket();
    cache.keep(first, ['m1'], [message('m1', 'queued')], []);
    cache.keep(second, ['m1'], [message('m1')], []);
    expect(cache.takeMessage('m1')).toBeUndefined();
  });

  it('a purge drops parts and refuses the parts of claims that overlapped it', () => {
    const cache = new ReadAhead();
    cache.keep(cache.ticket(), [], [], [part('p1', 1)]);
    const ticket = cache.ticket();
    const done = cache.purge();
    expect(cache.takePart('p1')).toBeUndefined();
    done();
    cache.keep(ticket, [], [], [part('p2', 1)]);
    expect(cache.takePart('p2')).toBeUndefined();
  });

  it('serves nothing older than maxAgeMs', () => {
    let now = 0;
    const cache = new ReadAhead({ maxAgeMs: 100, now: () => now });
    cache.keep(cache.ticket(), ['m1'], [message('m1')], [part('p1', 1)]);
    now = 101;
    expect(cache.takeMessage('m1')).toBeUndefined();
    expect(cache.takePart('p1')).toBeUndefined();
  });

  it('stays within its bounds, dropping the oldest first', () => {
    const cache = new ReadAhead({ maxMessages: 2, maxPartBytes: 10 });
    for (const id of ['m1', 'm2', 'm3']) cache.keep(cache.ticket(), [id], [message(id)], [part(`p-${id}`, 4)]);
    expect(cache.takeMessage('m1')).toBeUndefined();
    expect(cache.takeMessage('m2')).toBeDefined();
    expect(cache.takeMessage('m3')).toBeDefined();
    expect(cache.takePart('p-m1')).toBeUndefined();
    expect(cache.takePart('p-m2')?.length).toBe(4);
    expect(cache.takePart('p-m3')?.length).toBe(4);
    cache.keep(cache.ticket(), [], [], [part('huge', 11)]);
    expect(cache.takePart('huge')).toBeUndefined();
  });
});
