const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** An instant in the viewer's time zone; the UTC instant on hover. */
export function Instant({ at }: { readonly at: string | null | undefined }) {
  if (at === null || at === undefined) return <span class="muted">—</span>;
  const date = new Date(at);
  return (
    <time dateTime={at} title={`${date.toISOString()} (UTC)`}>
      {LOCAL.format(date)}
    </time>
  );
}
