interface PagerProps {
  /** The page's URL without a cursor (it may have a query of its own). */
  readonly base: string;
  readonly cursor: string | undefined;
  readonly nextCursor: string | null;
  readonly label: string;
}

/** Links to the first page and the next one of a list the API pages with a cursor (kept in the URL). */
export function Pager({ base, cursor, nextCursor, label }: PagerProps) {
  return (
    <nav class="pager" aria-label={label}>
      {cursor !== undefined && <a href={base}>First page</a>}
      {nextCursor !== null && <a href={`${base}${base.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(nextCursor)}`}>Next page</a>}
    </nav>
  );
}
