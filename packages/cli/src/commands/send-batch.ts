import type { Kernel } from '@xport/core';
import { XportError, type MessageInput } from '@xport/provider-sdk';
import { readBoundedLines } from '../bounded-lines.js';
import { openInput, statInput, toUnreadableError } from '../input-files.js';
import type { CliIO } from '../output.js';

const OPTION = '--batch';

export interface BatchSummary {
  readonly lines: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: Array<{ line: number; code: string; message: string }>;
}

// Submits in flight at once: enough for the store's group commit to batch them.
const WINDOW = 64;
// Bytes of lines in flight at once: long lines are submitted fewer at a time (one at least).
const WINDOW_BYTES = 64 * 1024 * 1024;
// Read size: large enough that a long line (read past, up to any length) costs few iterations.
const READ_CHUNK_BYTES = 1024 * 1024;
/** Room a batch line gets beyond the message size limit by default: JSON syntax, recipients, headers. */
export const BATCH_LINE_SLACK_BYTES = 1024 * 1024;

function parseLine(text: string, line: number): MessageInput {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as MessageInput;
  } catch (error) {
    throw new XportError('XPORT_MESSAGE_INVALID', `line ${line} is not a JSON message object: ${(error as Error).message}`);
  }
}

/**
 * Submits one message per line of a JSON Lines file, with a progress bar on standard error (when it
 * is a terminal) and a summary. A bad line is reported and skipped; the others are still queued.
 * Lines are read with a length limit (`maxLineBytes`): a longer one is a rejected line
 * (`XPORT_INPUT_TOO_LARGE`), read past without being held, and the batch goes on.
 */
export async function submitBatch(kernel: Kernel, file: string, io: CliIO, maxLineBytes: number): Promise<BatchSummary> {
  const stats = await statInput(OPTION, file);
  if (stats.isDirectory()) throw toUnreadableError(OPTION, file, 'a directory, not a file of lines');
  const handle = await openInput(OPTION, file);
  // A pipe (--batch /dev/stdin) has no size: the bar then only counts.
  const size = stats.isFile() ? stats.size : 0;
  // Loaded by a batch send only, not with every CLI command.
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ stream: process.stderr, format: 'sending [{bar}] {percentage}% | {value}/{total} bytes | {accepted} queued', noTTYOutput: false }, Presets.shades_classic);
  const interactive = io.interactive;
  if (interactive) bar.start(size, 0, { accepted: 0 });
  let lines = 0;
  let accepted = 0;
  let duplicates = 0;
  let bytes = 0;
  let inFlightBytes = 0;
  const rejected: BatchSummary['rejected'] = [];
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const read of readBoundedLines(handle.createReadStream({ autoClose: false, highWaterMark: READ_CHUNK_BYTES }), maxLineBytes)) {
      lines = read.number;
      bytes += read.bytes + 1;
      if ('tooLong' in read) {
        const message = `line ${read.number} is ${read.bytes} bytes, more than the batch line limit of ${maxLineBytes} bytes (--max-line-bytes); skipped without being held`;
        rejected.push({ line: read.number, code: 'XPORT_INPUT_TOO_LARGE', message });
        continue;
      }
      if (read.text.trim() === '') continue;
      while (inFlight.size >= WINDOW || (inFlight.size > 0 && inFlightBytes + read.bytes > WINDOW_BYTES)) await Promise.race(inFlight);
      const { number: line, text } = read;
      inFlightBytes += read.bytes;
      const task = (async () => {
        try {
          const receipt = await kernel.submit(parseLine(text, line));
          if (receipt.duplicate) duplicates += 1;
          else accepted += 1;
        } catch (error) {
          rejected.push({ line, code: XportError.is(error) ? error.code : 'ERROR', message: (error as Error).message });
        }
        if (interactive) bar.update(size > 0 ? Math.min(bytes, size) : bytes, { accepted });
      })();
      inFlight.add(task);
      void task.finally(() => {
        inFlight.delete(task);
        inFlightBytes -= read.bytes;
      });
    }
  } catch (error) {
    // A read error mid-file: what was submitted stays submitted; say how far the batch got.
    await Promise.all(inFlight);
    throw toUnreadableError(OPTION, file, `reading stopped after line ${lines} (${lines} line(s) handled): ${(error as Error).message}`, error);
  } finally {
    await Promise.all(inFlight);
    if (interactive) bar.stop();
    await handle.close();
  }
  rejected.sort((a, b) => a.line - b.line);
  return { lines, accepted, duplicates, rejected };
}
