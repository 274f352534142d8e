// The queue page's filter: kept in the page's URL with the API's own parameter names, so the same
// filter reads the list (`GET /v1/queue`) and selects the recipients of a bulk action.

/** The filter fields, by their query parameter (as `GET /v1/queue` names them). */
export const QUEUE_FILTER_FIELDS = ['state', 'provider', 'type', 'domain', 'olderThan', 'message'] as const;

export type QueueFilterField = (typeof QUEUE_FILTER_FIELDS)[number];
export type QueueFilter = Partial<Record<QueueFilterField, string>>;

/** The filter a page URL's query holds (empty values left out). */
export function fromPageQuery(query: Readonly<Record<string, string | undefined>>): QueueFilter {
  const filter: QueueFilter = {};
  for (const field of QUEUE_FILTER_FIELDS) {
    const value = query[field]?.trim();
    if (value) filter[field] = value;
  }
  return filter;
}

export function isEmptyFilter(filter: QueueFilter): boolean {
  return QUEUE_FILTER_FIELDS.every((field) => filter[field] === undefined);
}

/** The filter as query parameters, in a fixed order (`state=held&domain=example.org`), plus `extra`. */
export function toQueryString(filter: QueueFilter, extra: Readonly<Record<string, string | undefined>> = {}): string {
  const params = new URLSearchParams();
  for (const field of QUEUE_FILTER_FIELDS) if (filter[field] !== undefined) params.set(field, filter[field]);
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) params.set(name, value);
  return params.toString();
}

/**
 * The filter as the body's `filter` of `POST /v1/queue/{operation}`. No criterion at all means the
 * whole queue, which the API only takes said out loud (`all: true`).
 */
export function toOperationFilter(filter: QueueFilter): Record<string, unknown> {
  if (isEmptyFilter(filter)) return { all: true };
  const body: Record<string, unknown> = {};
  if (filter.state !== undefined) body.states = [filter.state];
  if (filter.provider !== undefined) body.providers = [filter.provider];
  if (filter.type !== undefined) body.addressTypes = [filter.type];
  if (filter.domain !== undefined) body.domains = [filter.domain];
  if (filter.olderThan !== undefined) body.olderThan = Number(filter.olderThan);
  if (filter.message !== undefined) body.messageIds = [filter.message];
  return body;
}

/**
 * The body of `POST /v1/queue/{operation}`: the recipients the filter selects or, when messages are
 * selected (`ids`, at most 100), only those of these messages the filter selects.
 */
export function toOperationBody(filter: QueueFilter, ids: readonly string[], dryRun: boolean): Record<string, unknown> {
  if (ids.length === 0) return { filter: toOperationFilter(filter), dryRun };
  return isEmptyFilter(filter) ? { ids, dryRun } : { filter: toOperationFilter(filter), ids, dryRun };
}
