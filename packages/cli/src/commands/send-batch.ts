import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { SingleBar, Presets } from 'cli-progress';
import type { Kernel } from '@xport/core';
import { XportError, type MessageInput } from '@xport/provider-sdk';
import type { CliIO } from '../output.js';

export interface BatchSummary {
  readonly lines: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: Array<{ line: number; code: string; message: string }>;
}

// Submits in flight at once: enough for the store's group commit to batch them.
const WINDOW = 64;

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
 */
export async function submitBatch(kernel: Kernel, file: string, io: CliIO): Promise<BatchSummary> {
  const size = (await stat(file)).size;
  const bar = new SingleBar({ stream: process.stderr, format: 'sending [{bar}] {percentage}% | {value}/{total} bytes | {accepted} queued', noTTYOutput: false }, Presets.shades_classic);
  const interactive = io.interactive;
  if (interactive) bar.start(size, 0, { accepted: 0 });
  let lines = 0;
  let accepted = 0;
  let duplicates = 0;
  let bytes = 0;
  const rejected: BatchSummary['rejected'] = [];
  const inFlight = new Set<Promise<void>>();
  const reader = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const text of reader) {
    lines += 1;
    bytes += Buffer.byteLength(text) + 1;
    if (text.trim() === '') continue;
    const line = lines;
    const task = (async () => {
      try {
        const receipt = await kernel.submit(parseLine(text, line));
        if (receipt.duplicate) duplicates += 1;
        else accepted += 1;
      } catch (error) {
        rejected.push({ line, code: XportError.is(error) ? error.code : 'ERROR', message: (error as Error).message });
      }
      if (interactive) bar.update(Math.min(bytes, size), { accepted });
    })();
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    if (inFlight.size >= WINDOW) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (interactive) bar.stop();
  rejected.sort((a, b) => a.line - b.line);
  return { lines, accepted, duplicates, rejected };
}
