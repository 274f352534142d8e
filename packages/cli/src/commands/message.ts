import type { Command } from 'commander';
import { XportError, formatRecipient } from '@xport/provider-sdk';
import type { MessageHistory } from '@xport/core';
import { appRoot, openKernel } from '../app.js';
import { formatTime, printJson, renderTable } from '../output.js';
import type { CommandContext } from '../program.js';
import { describeEvent } from './event-rows.js';
import { formatRecipientState } from './recipient-state-text.js';
import { withStore } from './with-store.js';

/** The JSON `xport message --json` prints: the stored message, each recipient with its timeline. */
export function toHistoryJson(history: MessageHistory): unknown {
  const { message } = history;
  return {
    ...message,
    recipients: message.recipients.map((r, i) => ({ ...r, recipient: formatRecipient(r.recipient), timeline: history.timelines[i] ?? [] })),
    events: history.messageEvents,
    eventsKept: history.eventsKept,
  };
}

function render(history: MessageHistory): string {
  const { message } = history;
  const lines = [
    `message ${message.id}`,
    `subject    ${message.envelope.subject ?? ''}`,
    `from       ${message.envelope.from === undefined ? '-' : formatRecipient(message.envelope.from)}`,
    `submitted  ${formatTime(message.submittedAt)}`,
    `finished   ${message.finishedAt === undefined ? '- (still queued)' : formatTime(message.finishedAt)}`,
    '',
  ];
  const recipients = renderTable(
    ['#', 'recipient', 'provider', 'state', 'attempts', 'next attempt', 'last error'],
    message.recipients.map((r) => [
      r.index,
      formatRecipient(r.recipient),
      r.provider ?? '-',
      formatRecipientState(r),
      r.attempts,
      formatTime(r.nextAttemptAt),
      r.lastError ? `${r.lastError.code} ${r.lastError.diagnostic}` : '',
    ]),
  );
  if (!history.eventsKept) return `${lines.join('\n')}${recipients}(this store keeps no event log: no timeline)\n`;
  const events = [...history.messageEvents, ...history.timelines.flat()].sort((a, b) => a.id - b.id);
  const timeline = renderTable(
    ['time', 'recipient', 'event', 'attempts', 'code / diagnostic', 'provider'],
    events.map((e) => [formatTime(e.at), e.recipientIndex === undefined ? '-' : `#${e.recipientIndex} ${e.recipient ?? ''}`, e.type, e.attempts ?? '-', describeEvent(e), e.provider ?? '-']),
  );
  return `${lines.join('\n')}${recipients}\ntimeline\n${timeline}`;
}

/** `xport message <id> [--json]`: one message, queued or sent, with each recipient's state and timeline. */
export function registerMessage(program: Command, context: CommandContext): void {
  program
    .command('message')
    .description("show a message (queued or sent): each recipient's state and its timeline of events")
    .argument('<id>', 'message id (from xport send, xport queue or xport events)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const { io } = context;
      const kernel = openKernel(appRoot(io, context.globals()), io);
      const history = await withStore(kernel, () => kernel.messageHistory(id));
      if (history === undefined) {
        throw new XportError('XPORT_STORE_NOT_FOUND', `message ${id} is not in the store (never submitted here, or purged with the history after its retention)`, {
          details: { messageId: id },
        });
      }
      if (options.json) return printJson(io, toHistoryJson(history));
      io.stdout(render(history));
    });
}
