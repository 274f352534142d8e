import type { ComponentChildren } from 'preact';

interface DataTableProps {
  readonly columns: readonly string[];
  readonly class?: string;
  readonly children: ComponentChildren;
}

/** A table with a header row of `columns`, scrolling sideways on a narrow screen; `children` are its rows. */
export function DataTable({ columns, class: className, children }: DataTableProps) {
  return (
    <div class="table-scroll">
      <table class={className}>
        <thead>
          <tr>
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
