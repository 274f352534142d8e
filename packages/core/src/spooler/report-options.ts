import { hostname } from 'node:os';
import { XportError, checkSmtpAddress, parseRecipient, type Recipient } from '@xport/provider-sdk';
import type { ReportSettings, SuppressionSettings } from '../config/config-schema.js';

/** How the spooler writes reports and reads inbound ones: `reports` of xport.config.json, resolved. */
export interface ReportOptions {
  /** Per sender address type (lowercase): `dsn` or `mailbox`; a type not listed gets `mailbox`. */
  readonly byAddressType: Readonly<Record<string, 'dsn' | 'mailbox'>>;
  /** `Reporting-MTA: dns; <name>` and `From: MAILER-DAEMON@<name>`. */
  readonly reportingMta: string;
  /** Where inbound bounces xport cannot correlate are kept. */
  readonly bounceMailbox: Recipient;
  /** The VERP return-path base, split: `bounces@example.org` → local `bounces`, domain `example.org`. */
  readonly verp?: { readonly local: string; readonly domain: string };
  /** How long after submission a still-deferred recipient that asked NOTIFY=DELAY gets its delay report. */
  readonly delayAfterMs: number;
  /** The suppression list: whether it is used, and when hard bounces suppress an address. */
  readonly suppression: SuppressionSettings;
}

// The documented default: SMTP senders get standard DSNs, every other type a mailbox entry.
const DEFAULT_BY_ADDRESS_TYPE: Readonly<Record<string, 'dsn' | 'mailbox'>> = { smtp: 'dsn' };
// The documented default: four hours, sendmail's Timeout.queuewarn.
const DEFAULT_DELAY_AFTER_MS = 4 * 3_600_000;
// The documented defaults: one hard bounce suppresses an address for 30 days.
const DEFAULT_SUPPRESSION: SuppressionSettings = { enabled: true, afterHardBounces: 1, ttlMs: 30 * 86_400_000 };
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

function invalid(field: string, expected: string, found: string, source: string): XportError {
  return new XportError('XPORT_CONFIG_INVALID', `${source}: field /reports/${field} must be ${expected} (got ${JSON.stringify(found.slice(0, 120))})`, {
    details: { source, path: `/reports/${field}` },
  });
}

function thisHost(): string {
  const name = hostname();
  return HOST_NAME.test(name) ? name : 'localhost';
}

/**
 * Resolves the `reports` settings: defaults applied, `bounceMailbox` parsed as a recipient and
 * `verp` checked as an SMTP address. Throws `XPORT_CONFIG_INVALID` naming the field.
 *
 * @example
 * toReportOptions({ verp: 'bounces@example.org' }).verp // { local: 'bounces', domain: 'example.org' }
 */
export function toReportOptions(settings: Partial<ReportSettings> = {}, source = 'reports'): ReportOptions {
  let bounceMailbox: Recipient;
  const mailbox = settings.bounceMailbox ?? 'xport:bounces';
  try {
    bounceMailbox = parseRecipient(mailbox);
  } catch {
    throw invalid('bounceMailbox', 'a recipient (TYPE:address)', mailbox, source);
  }
  const byAddressType: Record<string, 'dsn' | 'mailbox'> = {};
  for (const [type, mode] of Object.entries(settings.byAddressType ?? DEFAULT_BY_ADDRESS_TYPE)) byAddressType[type.toLowerCase()] = mode;
  const options: { -readonly [K in keyof ReportOptions]: ReportOptions[K] } = {
    byAddressType,
    reportingMta: settings.reportingMta ?? thisHost(),
    bounceMailbox,
    delayAfterMs: settings.delayAfterMs ?? DEFAULT_DELAY_AFTER_MS,
    suppression: { ...DEFAULT_SUPPRESSION, ...settings.suppression },
  };
  if (settings.verp !== undefined) {
    const at = settings.verp.lastIndexOf('@');
    // The token goes after a "+": a base that has one already could not be told apart from it.
    if (checkSmtpAddress(settings.verp) !== undefined || at <= 0 || settings.verp.slice(0, at).includes('+')) {
      throw invalid('verp', 'an SMTP address without "+" in its local part', settings.verp, source);
    }
    options.verp = { local: settings.verp.slice(0, at), domain: settings.verp.slice(at + 1).toLowerCase() };
  }
  return options;
}

/** The defaults, for a spooler host built without configuration (tests, embedding). */
export const DEFAULT_REPORT_OPTIONS: ReportOptions = toReportOptions();
