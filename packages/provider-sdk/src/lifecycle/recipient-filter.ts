import type { Recipient } from '../address.js';
import { XportError } from '../errors.js';
import { toAsciiDomain } from '../smtp-address.js';
import type { RecipientState } from '../store.js';

/** The states a queue filter can select: every state that is not final. */
export const QUEUE_RECIPIENT_STATES: readonly RecipientState[] = ['queued', 'in-flight', 'deferred', 'held'];

/**
 * Which recipients of the queue (not final) an operation or a listing takes. Every criterion given
 * must hold (AND); a list matches any of its values (OR). An operation whose filter selects every
 * recipient must say so with `all: true` (`checkOperationFilter`).
 */
export interface RecipientFilter {
  /** Any of these states (not final ones); all four non-final states when omitted. */
  readonly states?: readonly RecipientState[];
  /** Whose responsible provider is one of these ids. */
  readonly providers?: readonly string[];
  /** Whose address type is one of these (`smtp`, `loopback`), case-insensitive. */
  readonly addressTypes?: readonly string[];
  /** Whose destination domain (after the last `@`) is one of these, case-insensitive, IDNs as their ASCII form. */
  readonly domains?: readonly string[];
  /** Of messages submitted before this time (epoch ms); `--older-than 2h` is `now - 2 h`. */
  readonly submittedBefore?: number;
  /** Of these messages. */
  readonly messageIds?: readonly string[];
  /** Required, and only allowed, when nothing else narrows the selection. */
  readonly all?: boolean;
}

/** What the filter rule reads of a recipient and its message. */
export interface FilterInput {
  readonly state: RecipientState;
  readonly provider: string | null;
  readonly recipient: Recipient;
  readonly messageId: string;
  readonly submittedAt: number;
}

/**
 * The destination domain a filter compares: the text after the last `@`, lower case (an IDN in its
 * ASCII form); null for an address without one (`loopback:ops`). SQL stores keep it in a column
 * (`domain`) written with the recipient, so a domain filter reads an index.
 *
 * @example
 * recipientDomain({ type: 'smtp', address: 'Ada@Example.ORG' }); // 'example.org'
 */
export function recipientDomain(recipient: Pick<Recipient, 'address'>): string | null {
  const at = recipient.address.lastIndexOf('@');
  if (at < 0 || at === recipient.address.length - 1) return null;
  return toAsciiDomain(recipient.address.slice(at + 1));
}

const invalid = (field: string, why: string, found: unknown): XportError =>
  new XportError('XPORT_QUEUE_FILTER_INVALID', `queue filter ${field}: ${why} (got ${JSON.stringify(found)})`, { details: { field, found } });

function checkList(field: string, values: readonly unknown[] | undefined): void {
  if (values === undefined) return;
  if (!Array.isArray(values) || values.length === 0) throw invalid(field, 'must be a non-empty list, or left out', values);
  for (const value of values) if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'must list non-empty strings', value);
}

/**
 * The filter in the form every store compares: checked (states not final, lists not empty),
 * domains and address types in lower case, duplicates dropped. `XPORT_QUEUE_FILTER_INVALID` names
 * the field that is wrong.
 *
 * @example
 * toRecipientFilter({ domains: ['Example.ORG'] }); // { domains: ['example.org'] }
 */
export function toRecipientFilter(filter: RecipientFilter): RecipientFilter {
  checkList('states', filter.states);
  checkList('providers', filter.providers);
  checkList('addressTypes', filter.addressTypes);
  checkList('domains', filter.domains);
  checkList('messageIds', filter.messageIds);
  for (const state of filter.states ?? []) {
    if (!QUEUE_RECIPIENT_STATES.includes(state)) throw invalid('states', `must be one of ${QUEUE_RECIPIENT_STATES.join(', ')} (final recipients are not in the queue)`, state);
  }
  const { submittedBefore } = filter;
  if (submittedBefore !== undefined && !Number.isFinite(submittedBefore)) throw invalid('submittedBefore', 'must be a time in epoch milliseconds', submittedBefore);
  const out: { -readonly [K in keyof RecipientFilter]: RecipientFilter[K] } = {};
  const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];
  if (filter.states) out.states = unique(filter.states);
  if (filter.providers) out.providers = unique(filter.providers);
  if (filter.addressTypes) out.addressTypes = unique(filter.addressTypes.map((t) => t.toLowerCase()));
  if (filter.domains) out.domains = unique(filter.domains.map((d) => toAsciiDomain(d.replace(/^@/, ''))));
  if (submittedBefore !== undefined) out.submittedBefore = submittedBefore;
  if (filter.messageIds) out.messageIds = unique(filter.messageIds);
  if (filter.all === true) out.all = true;
  return out;
}

/**
 * True when the filter narrows nothing: no criterion, or only states listing every non-final one.
 *
 * @example
 * selectsEverything({ states: ['queued'] }); // false
 */
export function selectsEverything(filter: RecipientFilter): boolean {
  const { states, providers, addressTypes, domains, submittedBefore, messageIds } = filter;
  const allStates = states === undefined || QUEUE_RECIPIENT_STATES.every((s) => states.includes(s));
  return allStates && !providers && !addressTypes && !domains && submittedBefore === undefined && !messageIds;
}

/**
 * The filter of an operation (retry, hold, release, delete), normalised: a filter that selects
 * every recipient without `all: true` is `XPORT_QUEUE_FILTER_UNBOUNDED`, and `all: true` next to a
 * narrowing criterion is `XPORT_QUEUE_FILTER_INVALID` (one of the two is a mistake).
 *
 * @example
 * checkOperationFilter({ all: true }); // { all: true }
 * checkOperationFilter({});            // throws XPORT_QUEUE_FILTER_UNBOUNDED
 */
export function checkOperationFilter(filter: RecipientFilter): RecipientFilter {
  const normal = toRecipientFilter(filter);
  const everything = selectsEverything(normal);
  if (everything && normal.all !== true) {
    throw new XportError(
      'XPORT_QUEUE_FILTER_UNBOUNDED',
      'queue filter selects every recipient of the queue: narrow it (state, provider, address type, domain, age, message) or pass all: true (--all) to mean every one',
      { details: { expected: 'a narrowing criterion or all: true', found: 'no criterion' } },
    );
  }
  if (!everything && normal.all === true) throw invalid('all', 'all: true selects every recipient and cannot be combined with other criteria', normal);
  return normal;
}

/**
 * True when a recipient (not final) is selected by a normalised filter (`toRecipientFilter`).
 *
 * @example
 * recipientMatches({ domains: ['example.org'] }, { state: 'queued', provider: 'smtp', recipient: { type: 'smtp', address: 'a@EXAMPLE.org' }, messageId: 'm1', submittedAt: 0 }); // true
 */
export function recipientMatches(filter: RecipientFilter, input: FilterInput): boolean {
  if (!(filter.states ?? QUEUE_RECIPIENT_STATES).includes(input.state)) return false;
  if (filter.providers && (input.provider === null || !filter.providers.includes(input.provider))) return false;
  if (filter.addressTypes && !filter.addressTypes.includes(input.recipient.type.toLowerCase())) return false;
  if (filter.domains) {
    const domain = recipientDomain(input.recipient);
    if (domain === null || !filter.domains.includes(domain)) return false;
  }
  if (filter.submittedBefore !== undefined && !(input.submittedAt < filter.submittedBefore)) return false;
  if (filter.messageIds && !filter.messageIds.includes(input.messageId)) return false;
  return true;
}

/** Column references a SQL store names for the filter condition. */
export interface FilterColumns {
  readonly state: string;
  readonly provider: string;
  /** The recipient's address type, lower case. */
  readonly addressType: string;
  /** The recipient's `recipientDomain` (null when it has none). */
  readonly domain: string;
  readonly submittedAt: string;
  readonly messageId: string;
}

/**
 * {@link recipientMatches} as a SQL condition (standard SQL, the same for SQLite and PostgreSQL).
 * Values are never spliced in: `bind` takes each one and returns its placeholder (`?`, `$3`).
 *
 * @example
 * const params: unknown[] = [];
 * recipientFilterCondition({ domains: ['example.org'] }, columns, (v) => (params.push(v), `$${params.length}`));
 * // "r.state IN ($1, $2, $3, $4) AND r.domain IN ($5)"
 */
export function recipientFilterCondition(filter: RecipientFilter, columns: FilterColumns, bind: (value: string | number) => string): string {
  const inList = (column: string, values: readonly (string | number)[]): string => `${column} IN (${values.map((v) => bind(v)).join(', ')})`;
  const parts = [inList(columns.state, filter.states ?? QUEUE_RECIPIENT_STATES)];
  if (filter.providers) parts.push(inList(columns.provider, filter.providers));
  if (filter.addressTypes) parts.push(inList(columns.addressType, filter.addressTypes));
  if (filter.domains) parts.push(inList(columns.domain, filter.domains));
  if (filter.submittedBefore !== undefined) parts.push(`${columns.submittedAt} < ${bind(filter.submittedBefore)}`);
  if (filter.messageIds) parts.push(inList(columns.messageId, filter.messageIds));
  return parts.join(' AND ');
}
