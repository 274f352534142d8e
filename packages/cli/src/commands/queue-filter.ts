import type { Command } from 'commander';
import { XportError, type RecipientFilter, type RecipientState } from '@xport/provider-sdk';

/** The filter options `xport queue` and its verbs take (each list option may be repeated). */
export interface FilterOptions {
  readonly state?: string[];
  readonly provider?: string[];
  readonly type?: string[];
  readonly domain?: string[];
  readonly olderThan?: string;
  readonly message?: string[];
  readonly all?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), ...value.split(',').filter((v) => v !== '')];

/** Adds the filter options to a command. */
export function addFilterOptions(command: Command): Command {
  return command
    .option('--state <state>', 'queued, in-flight, deferred or held (repeat or comma-separate for several)', collect)
    .option('--provider <id>', 'responsible transport id', collect)
    .option('--type <type>', 'address type (smtp, loopback)', collect)
    .option('--domain <domain>', 'destination domain, any case', collect)
    .option('--older-than <age>', 'submitted more than this long ago: 90s, 30m, 2h, 7d')
    .option('--message <id>', 'message id', collect);
}

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * An age as `--older-than` takes it (`90s`, `30m`, `2h`, `7d`; a bare number is seconds), in ms.
 *
 * @example
 * parseAge('2h'); // 7_200_000
 */
export function parseAge(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i.exec(text.trim());
  if (match === null) {
    throw new XportError('XPORT_QUEUE_FILTER_INVALID', `--older-than: expected an age such as 90s, 30m, 2h or 7d (got "${text}")`, { details: { field: 'olderThan', found: text } });
  }
  return Number(match[1]) * UNITS[(match[2] || 's').toLowerCase()]!;
}

/** The SDK filter the options stand for (checked by the SDK where it is used). */
export function toFilter(options: FilterOptions, now: number): RecipientFilter {
  const filter: { -readonly [K in keyof RecipientFilter]: RecipientFilter[K] } = {};
  if (options.state) filter.states = options.state as RecipientState[];
  if (options.provider) filter.providers = options.provider;
  if (options.type) filter.addressTypes = options.type;
  if (options.domain) filter.domains = options.domain;
  if (options.olderThan !== undefined) filter.submittedBefore = now - parseAge(options.olderThan);
  if (options.message) filter.messageIds = options.message;
  if (options.all === true) filter.all = true;
  return filter;
}

/** True when any filter option was given. */
export function hasFilter(options: FilterOptions): boolean {
  return [options.state, options.provider, options.type, options.domain, options.olderThan, options.message].some((o) => o !== undefined);
}
