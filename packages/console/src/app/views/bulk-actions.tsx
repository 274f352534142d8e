import { useEffect, useRef, useState } from 'preact/hooks';
import { apiPaths } from '../api/api-paths.js';
import type { QueueOperation, QueueOperationResult } from '../api/api-types.js';
import { useSession } from '../auth/api-context.js';
import { isEmptyFilter, toOperationBody, type QueueFilter } from '../api/queue-filter.js';
import { ErrorNote } from './load-state.js';

const OPERATIONS: readonly { readonly operation: QueueOperation; readonly verb: string; readonly doing: string; readonly done: string }[] = [
  { operation: 'retry', verb: 'Retry', doing: 'Retrying', done: 'Retried' },
  { operation: 'hold', verb: 'Hold', doing: 'Holding', done: 'Held' },
  { operation: 'release', verb: 'Release', doing: 'Releasing', done: 'Released' },
  { operation: 'delete', verb: 'Delete', doing: 'Deleting', done: 'Deleted' },
];

type Step =
  | { readonly step: 'idle' }
  | { readonly step: 'counting' | 'running'; readonly operation: QueueOperation }
  | { readonly step: 'confirm' | 'done'; readonly result: QueueOperationResult }
  | { readonly step: 'error'; readonly error: unknown };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const verbOf = (operation: QueueOperation) => OPERATIONS.find((o) => o.operation === operation)!;

function skippedNote(result: QueueOperationResult): string {
  return result.skippedInFlight === 0 ? '' : ` ${plural(result.skippedInFlight, 'recipient')} in flight ${result.skippedInFlight === 1 ? 'is' : 'are'} left as they are.`;
}

interface BulkActionsProps {
  readonly filter: QueueFilter;
  /** The messages ticked in the list: the actions take only their recipients (those the filter selects). */
  readonly selection: readonly string[];
  readonly onClearSelection: () => void;
  /** Reads the list again. */
  readonly onChanged: () => void;
}

function scopeOf(filter: QueueFilter, selection: readonly string[]): string {
  const filtered = isEmptyFilter(filter) ? '' : ' matching the filter';
  if (selection.length === 0) return filtered === '' ? 'in the whole queue' : filtered.trim();
  return `of the ${selection.length === 1 ? 'selected message' : `${selection.length} selected messages`}${filtered}`;
}

/**
 * Retry, hold, release or delete the recipients of the ticked messages or, with none ticked, those
 * the current filter selects: a dry run counts them first, a confirmation changes them, and the
 * result says how many changed and how many were skipped because they were being sent.
 */
export function BulkActions({ filter, selection, onClearSelection, onChanged }: BulkActionsProps) {
  const { api } = useSession();
  const [step, setStep] = useState<Step>({ step: 'idle' });
  const confirm = useRef<HTMLButtonElement>(null);
  const scope = scopeOf(filter, selection);

  useEffect(() => {
    if (step.step === 'confirm') confirm.current?.focus();
  }, [step]);
  // Another filter or other ticked messages are another selection: a count made for the old one no longer holds.
  const key = JSON.stringify([filter, selection]);
  useEffect(() => setStep({ step: 'idle' }), [key]);

  const run = async (operation: QueueOperation, dryRun: boolean) => {
    setStep({ step: dryRun ? 'counting' : 'running', operation });
    try {
      const result = await api.post<QueueOperationResult>(apiPaths.queueOperation(operation), toOperationBody(filter, selection, dryRun));
      setStep({ step: dryRun ? 'confirm' : 'done', result });
      if (!dryRun) onChanged();
    } catch (error) {
      setStep({ step: 'error', error });
    }
  };
  const busy = step.step === 'counting' || step.step === 'running';

  return (
    <section class="bulk" aria-label="Bulk actions">
      <div class="bulk-buttons">
        <span class="muted">Recipients {scope}:</span>
        {OPERATIONS.map(({ operation, verb }) => (
          <button key={operation} type="button" disabled={busy} onClick={() => void run(operation, true)}>
            {verb}…
          </button>
        ))}
        {selection.length > 0 && (
          <button type="button" class="link" onClick={onClearSelection}>
            Clear selection
          </button>
        )}
      </div>
      {busy && (
        <p class="loading" role="status">
          {step.step === 'counting' ? 'Counting' : verbOf(step.operation).doing} the recipients {scope}…
        </p>
      )}
      {step.step === 'confirm' && step.result.changed === 0 && (
        <div class="bulk-confirm" role="status">
          <p>
            Nothing to {step.result.operation}: no recipient {scope} can be changed by it now.{skippedNote(step.result)}
          </p>
          <button type="button" onClick={() => setStep({ step: 'idle' })}>
            Close
          </button>
        </div>
      )}
      {step.step === 'confirm' && step.result.changed > 0 && (
        <div class="bulk-confirm" role="group" aria-label={`Confirm ${step.result.operation}`}>
          <p>
            {verbOf(step.result.operation).verb} {plural(step.result.changed, 'recipient')} {scope}?{skippedNote(step.result)}
            {step.result.operation === 'delete' && ' Deleted recipients are aborted for good, and each message\'s sender gets a non-delivery report.'}
          </p>
          <button type="button" ref={confirm} class={step.result.operation === 'delete' ? 'danger' : 'primary'} onClick={() => void run(step.result.operation, false)}>
            {verbOf(step.result.operation).verb} {plural(step.result.changed, 'recipient')}
          </button>
          <button type="button" onClick={() => setStep({ step: 'idle' })}>
            Cancel
          </button>
        </div>
      )}
      {step.step === 'done' && (
        <p class="bulk-result" role="status">
          {verbOf(step.result.operation).done} {plural(step.result.changed, 'recipient')} of {plural(step.result.messages, 'message')}.
          {step.result.skippedInFlight > 0 && ` Skipped ${step.result.skippedInFlight} in flight.`}
          {step.result.reports > 0 && ` ${plural(step.result.reports, 'non-delivery report')} sent.`}
        </p>
      )}
      {step.step === 'error' && <ErrorNote error={step.error} />}
    </section>
  );
}
