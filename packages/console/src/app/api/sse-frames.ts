// Server-Sent Events read by hand (the console cannot use EventSource: it sends no Authorization
// header). The framing of the HTML standard: lines `field: value`, a blank line ends a frame,
// lines starting with `:` are comments (the API's heartbeats).

export interface SseFrame {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/**
 * Splits a stream's text into frames as it arrives: `push` a chunk, get the frames it completed;
 * a frame cut in two by the network stays buffered until its blank line comes.
 */
export function createSseFrameReader(): { push(chunk: string): SseFrame[] } {
  let buffer = '';
  let id: string | undefined;
  let event = '';
  let data: string[] = [];
  return {
    push(chunk) {
      buffer += chunk;
      const frames: SseFrame[] = [];
      let end: number;
      while ((end = buffer.search(/\r\n|\r|\n/)) !== -1) {
        // A CR that ends the chunk may be the first half of a CRLF: wait for what follows it.
        if (buffer[end] === '\r' && end === buffer.length - 1) break;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) frames.push({ ...(id === undefined ? {} : { id }), event: event || 'message', data: data.join('\n') });
          id = undefined;
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'id') id = value;
      }
      return frames;
    },
  };
}
