import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { XportError, type AttachmentInput } from '@xport/provider-sdk';
import { openInput, requireRegularFile, statInput } from './input-files.js';

const OPTION = '--attach';

export interface AttachmentFiles {
  readonly attachments: AttachmentInput[];
  /** Closes every file; call once the submit has settled, whether it read them or not. */
  close(): Promise<void>;
}

function tooLarge(path: string, why: string, maxMessageBytes: number): XportError {
  return new XportError('XPORT_INPUT_TOO_LARGE', `${OPTION} ${path}: ${why}, more than spooler.maxMessageBytes (${maxMessageBytes})`, {
    details: { option: OPTION, path, maxMessageBytes },
  });
}

/**
 * The `--attach` files as attachments that stream from disk. Every file is checked with `stat`
 * before any is opened: a regular file (a device such as /dev/zero, a FIFO or a directory has no
 * size to check), and the message — `bodyBytes` of text and HTML plus every file so far — no
 * larger than `maxMessageBytes`. So a file that would be refused is never read, and one that is
 * accepted is never held whole: the kernel reads it chunk by chunk into the store (and still stops
 * at the limit should it grow meanwhile).
 */
export async function openAttachmentFiles(paths: readonly string[], cwd: string, limits: { readonly maxMessageBytes: number; readonly bodyBytes: number }): Promise<AttachmentFiles> {
  const { maxMessageBytes } = limits;
  const checked: Array<{ path: string; stats: Stats }> = [];
  let total = limits.bodyBytes;
  for (const given of paths) {
    const path = resolve(cwd, given);
    const stats = requireRegularFile(OPTION, path, await statInput(OPTION, path));
    total += stats.size;
    if (stats.size > maxMessageBytes) throw tooLarge(path, `${stats.size} bytes`, maxMessageBytes);
    if (total > maxMessageBytes) throw tooLarge(path, `${stats.size} bytes brings the message to ${total} bytes (the text and ${checked.length + 1} attachment(s))`, maxMessageBytes);
    checked.push({ path, stats });
  }

  const handles: FileHandle[] = [];
  const close = async () => {
    await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
  };
  try {
    for (const { path, stats } of checked) handles.push(await openInput(OPTION, path, stats));
  } catch (error) {
    await close();
    throw error;
  }
  const attachments = checked.map(({ path }, i) => ({ filename: basename(path), content: (handles[i] as FileHandle).createReadStream({ autoClose: false }) }));
  return { attachments, close };
}
