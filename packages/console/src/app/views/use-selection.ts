import { useEffect, useState } from 'preact/hooks';

export interface Selection {
  readonly ids: ReadonlySet<string>;
  readonly toggle: (id: string, on: boolean) => void;
  /** Selects (or unselects) every one of `ids`, leaving the others as they are. */
  readonly setAll: (ids: readonly string[], on: boolean) => void;
  readonly clear: () => void;
}

/** A set of ids a person ticks, emptied whenever `scope` changes (another page or filter of a list). */
export function useSelection(scope: string): Selection {
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setIds(new Set()), [scope]);
  const setAll = (some: readonly string[], on: boolean) =>
    setIds((current) => {
      const next = new Set(current);
      for (const id of some) if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return { ids, toggle: (id, on) => setAll([id], on), setAll, clear: () => setIds(new Set()) };
}
