import { useEffect, useRef } from 'preact/hooks';

interface SelectAllBoxProps {
  /** How many of the rows are selected, of how many. */
  readonly selected: number;
  readonly total: number;
  readonly label: string;
  readonly onChange: (on: boolean) => void;
}

/** A checkbox that selects every row shown: ticked when all are, mixed (indeterminate) when some are. */
export function SelectAllBox({ selected, total, label, onChange }: SelectAllBoxProps) {
  const box = useRef<HTMLInputElement>(null);
  const all = total > 0 && selected === total;
  useEffect(() => {
    if (box.current) box.current.indeterminate = selected > 0 && !all;
  }, [selected, all]);
  return <input type="checkbox" ref={box} aria-label={label} checked={all} disabled={total === 0} onChange={(e) => onChange(e.currentTarget.checked)} />;
}
