import { describe, expect, it } from 'vitest';
import { createSseFrameReader } from '../src/app/api/sse-frames.js';

describe('createSseFrameReader', () => {
  it('reads frames cut anywhere by the network, skipping heartbeats', () => {
    const text = ': heartbeat\n\nid: 43\nevent: delivered\ndata: {"id":43}\n\nid: 44\r\nevent: failed\r\ndata: {"id":44,\r\ndata: "x":1}\r\n\r\n';
    for (const size of [1, 3, 7, text.length]) {
      const reader = createSseFrameReader();
      const frames = [];
      for (let i = 0; i < text.length; i += size) frames.push(...reader.push(text.slice(i, i + size)));
      expect(frames, `chunks of ${size}`).toEqual([
        { id: '43', event: 'delivered', data: '{"id":43}' },
        { id: '44', event: 'failed', data: '{"id":44,\n"x":1}' },
      ]);
    }
  });

  it('keeps an unfinished frame until its blank line comes', () => {
    const reader = createSseFrameReader();
    expect(reader.push('id: 1\ndata: {}\n')).toEqual([]);
    expect(reader.push('\n')).toEqual([{ id: '1', event: 'message', data: '{}' }]);
  });
});
