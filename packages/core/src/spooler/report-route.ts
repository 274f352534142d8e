import type { Recipient } from '@xport/provider-sdk';
import type { RoutingView } from './host.js';
import type { ReportOptions } from './report-options.js';

/** Where a report goes: the sender's mailbox in the store, or a DSN queued for the sender's transport. */
export type ReportRoute = { readonly kind: 'mailbox' } | { readonly kind: 'dsn'; readonly provider: string };

const MAILBOX: ReportRoute = Object.freeze({ kind: 'mailbox' });

/**
 * Decides by routing where a sender's reports go: a standard DSN when its address type is set to
 * `dsn` (`reports.byAddressType`, default `smtp`) and a transport takes that type; otherwise (and
 * when none does) a mailbox entry, so a report is never left with nowhere to go.
 *
 * @example
 * toReportRoute({ type: 'smtp', address: 'zed@elsewhere.test' }, options, routing) // { kind: 'dsn', provider: 'smtp' }
 */
export function toReportRoute(sender: Recipient, options: ReportOptions, routing: RoutingView): ReportRoute {
  if (options.byAddressType[sender.type.toLowerCase()] !== 'dsn') return MAILBOX;
  const provider = routing.providersFor(sender.type)[0];
  return provider === undefined ? MAILBOX : { kind: 'dsn', provider };
}
