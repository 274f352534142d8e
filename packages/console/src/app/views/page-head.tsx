/** A page's title, with a Refresh button that reads its data again. */
export function PageHead({ title, onRefresh }: { readonly title: string; readonly onRefresh: () => void }) {
  return (
    <div class="page-head">
      <h1>{title}</h1>
      <button type="button" onClick={onRefresh}>
        Refresh
      </button>
    </div>
  );
}
