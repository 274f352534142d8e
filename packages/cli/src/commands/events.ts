import { InvalidArgumentError, type Command } from 'commander';
import { DELIVERY_EVENT_TYPES, MAX_EVENT_READ, isDeliveryEventType, type DeliveryEventType } from '@xport/provider-sdk';
import { appRoot, openKernel } from '../app.js';
import { printJson, renderTable } from '../output.js';
import type { CliIO } from '../output.js';
import type { CommandContext } from '../program.js';
import { EVENT_HEAD, toEventLine, toEventRow } from './event-rows.js';
import { withStore } from './with-store.js';

interface EventsOptions {
  json?: boolean;
  follow?: boolean;
  after?: number;
  type?: DeliveryEventType[];
  message?: string;
  limit: number;
  count?: number;
}

function wholeNumber(min: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < min) throw new InvalidArgumentError(`expected a whole number of at least ${min} (got ${JSON.stringify(value)})`);
    return parsed;
  };
}

function eventType(value: string, previous: DeliveryEventType[] | undefined): DeliveryEventType[] {
  if (!isDeliveryEventType(value)) throw new InvalidArgumentError(`expected one of ${DELIVERY_EVENT_TYPES.join(', ')} (got ${JSON.stringify(value)})`);
  return [...(previous ?? []), value];
}

/** Stops following on SIGINT/SIGTERM (the real process only: in-process runs end with --count). */
function abortOnSignals(io: CliIO, controller: AbortController): () => void {
  if (io.exit === undefined) return () => undefined;
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}

/**
 * `xport events`: the delivery event log, a page after a cursor, or `--follow`ed as events are
 * written (by a daemon in another process too). Reads the store, so it works beside a daemon.
 */
export function registerEvents(program: Command, context: CommandContext): void {
  program
    .command('events')
    .description('show delivery events (submitted, delivered, deferred, failed, ...) from the store, or follow new ones')
    .option('--follow', 'keep printing events as they are written, until interrupted')
    .option('--json', 'print JSON (with --follow: one JSON object per line)')
    .option('--after <id>', 'start after this event id (default: the oldest kept; with --follow, the newest)', wholeNumber(0))
    .option('--type <type>', `only events of this type (repeatable): ${DELIVERY_EVENT_TYPES.join(', ')}`, eventType)
    .option('--message <id>', "only this message's events")
    .option('--limit <n>', `most events to show without --follow (at most ${MAX_EVENT_READ})`, wholeNumber(1), 100)
    .option('--count <n>', 'with --follow: stop after this many events', wholeNumber(1))
    .action(async (options: EventsOptions) => {
      const { io } = context;
      const kernel = openKernel(appRoot(io, context.globals()), io);
      const filter = {
        ...(options.type === undefined ? {} : { types: options.type }),
        ...(options.message === undefined ? {} : { messageId: options.message }),
      };
      if (!options.follow) {
        const events = await withStore(kernel, () => kernel.readEvents({ after: options.after ?? 0, limit: options.limit, ...filter }));
        if (options.json) return printJson(io, events);
        if (events.length === 0) return io.stdout('no events\n');
        return io.stdout(renderTable(EVENT_HEAD, events.map(toEventRow)));
      }
      await withStore(kernel, async () => {
        const controller = new AbortController();
        const release = abortOnSignals(io, controller);
        let printed = 0;
        try {
          const followed = kernel.followEvents({ ...(options.after === undefined ? {} : { after: options.after }), ...filter, signal: controller.signal });
          for await (const event of followed) {
            io.stdout(options.json ? `${JSON.stringify(event)}\n` : toEventLine(event));
            printed += 1;
            if (printed === options.count || io.stdoutClosed?.() === true) break;
          }
        } finally {
          release();
        }
      });
    });
}
