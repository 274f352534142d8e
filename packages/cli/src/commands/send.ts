import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Kernel, SubmitReceipt } from '@xport/core';
import { formatRecipient, XportError, type MessageInput } from '@xport/provider-sdk';
import { appRoot, openKernel } from '../app.js';
import { openAttachmentFiles } from '../attachment-files.js';
import { printJson, renderTable } from '../output.js';
import type { CommandContext } from '../program.js';
import { BATCH_LINE_SLACK_BYTES, submitBatch } from './send-batch.js';

interface SendOptions {
  from?: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  subject?: string;
  text?: string;
  html?: string;
  attach?: string[];
  header?: string[];
  idempotencyKey?: string;
  deliveryReport?: boolean;
  suppressNdr?: boolean;
  batch?: string;
  maxLineBytes?: number;
  json?: boolean;
}

function toHeaders(pairs: readonly string[] = []): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new XportError('XPORT_MESSAGE_INVALID', `--header ${JSON.stringify(pair)}: expected "Name: value"`);
    headers[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
  }
  return headers;
}

function toPositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive whole number of bytes (got ${JSON.stringify(value)})`);
  return parsed;
}

/** The message from the options, without attachments (they are opened separately, to stream). */
function toMessage(options: SendOptions): MessageInput {
  return {
    ...(options.from ? { from: options.from } : {}),
    to: options.to ?? [],
    cc: options.cc ?? [],
    bcc: options.bcc ?? [],
    ...(options.subject !== undefined ? { subject: options.subject } : {}),
    ...(options.text !== undefined ? { text: options.text } : {}),
    ...(options.html !== undefined ? { html: options.html } : {}),
    headers: toHeaders(options.header),
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    deliveryReport: options.deliveryReport ?? false,
    suppressNdr: options.suppressNdr ?? false,
  };
}

/** Submits `message` with the `--attach` files, streamed from disk, and closes them after. */
async function submitWithAttachments(kernel: Kernel, message: MessageInput, paths: readonly string[], cwd: string): Promise<SubmitReceipt> {
  const bodyBytes = Buffer.byteLength(message.text ?? '') + Buffer.byteLength(message.html ?? '');
  const files = await openAttachmentFiles(paths, cwd, { maxMessageBytes: kernel.config.spooler.maxMessageBytes, bodyBytes });
  try {
    return await kernel.submit({ ...message, attachments: files.attachments });
  } finally {
    await files.close();
  }
}

/**
 * `xport send`: validates, routes and writes a message to the store's outbox. Works whether or not a
 * daemon runs: the daemon notices the new work and sends it.
 */
export function registerSend(program: Command, context: CommandContext): void {
  program
    .command('send')
    .description('queue a message (or --batch FILE.jsonl, one message per line) for the daemon to send')
    .option('--from <address>', 'sender (reports go to its mailbox)')
    .option('--to <address...>', 'recipients: TYPE:address, Name <TYPE:address> or an e-mail address')
    .option('--cc <address...>', 'copy recipients')
    .option('--bcc <address...>', 'hidden recipients')
    .option('--subject <text>', 'subject')
    .option('--text <text>', 'plain-text body')
    .option('--html <html>', 'HTML body')
    .option('--attach <file...>', 'attach files (regular files; checked against spooler.maxMessageBytes before they are read)')
    .option('--header <name:value...>', 'extra headers')
    .option('--idempotency-key <key>', 'the same key twice queues one message')
    .option('--delivery-report', 'ask for a delivery report in the sender\'s mailbox')
    .option('--suppress-ndr', 'write no non-delivery reports')
    .option('--batch <file>', 'submit one JSON message per line of a .jsonl file')
    .option('--max-line-bytes <bytes>', 'with --batch: longest line read (default: spooler.maxMessageBytes + 1 MiB)', toPositiveInteger)
    .option('--json', 'print JSON')
    .action(async (options: SendOptions) => {
      const { io } = context;
      const kernel = openKernel(appRoot(io, context.globals()), io);
      await kernel.start({ spool: false });
      try {
        if (options.batch) {
          const maxLineBytes = options.maxLineBytes ?? kernel.config.spooler.maxMessageBytes + BATCH_LINE_SLACK_BYTES;
          const summary = await submitBatch(kernel, resolve(io.cwd, options.batch), io, maxLineBytes);
          if (options.json) printJson(io, summary);
          else io.stdout(`${summary.accepted} accepted, ${summary.duplicates} duplicate(s), ${summary.rejected.length} rejected of ${summary.lines} line(s)\n`);
          for (const r of summary.rejected) io.stderr(`line ${r.line}: ${r.code}: ${r.message}\n`);
          if (summary.rejected.length > 0) context.setExit(1);
          return;
        }
        const receipt = await submitWithAttachments(kernel, toMessage(options), options.attach ?? [], io.cwd);
        if (options.json) return printJson(io, receipt);
        io.stdout(`queued ${receipt.messageId}${receipt.duplicate ? ' (duplicate: already queued)' : ''}\n`);
        const rows = receipt.recipients.map((r) => [formatRecipient(r.recipient), r.provider ?? '-', r.state]);
        io.stdout(renderTable(['recipient', 'provider', 'state'], rows));
      } finally {
        await kernel.stop();
      }
    });
}
