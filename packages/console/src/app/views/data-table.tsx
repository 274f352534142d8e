import type { ComponentChildren } from 'preact';

interface DataTableProps {
  readonly columns: readonly string[];
  readonly class?: string;
  /** A first header cell before the columns' (a select-all checkbox, say). */
  readonly lead?: ComponentChildren;
  readonly children: ComponentChildren;
}

/** A table with a header row of `columns`, scrolling sideways on a narrow screen; `children` are its rows. */
export function DataTable({ columns, class: className, lead, children }: DataTableProps) {
  return (
    <div class="table-scroll">
      <table class={className}>
        <thead>
          <tr>
            {lead !== undefined && <th scope="col">{lead}</th>}
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
