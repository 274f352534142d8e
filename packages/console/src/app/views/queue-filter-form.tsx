import { useLocation } from 'preact-iso';
import { pageUrls } from '../api/api-paths.js';
import { fromPageQuery, isEmptyFilter, type QueueFilter } from '../api/queue-filter.js';

const STATES = ['queued', 'in-flight', 'deferred', 'held'] as const;

interface TextFieldProps {
  readonly name: keyof QueueFilter;
  readonly label: string;
  readonly value: string | undefined;
  readonly placeholder?: string;
  readonly numeric?: boolean;
}

function TextField({ name, label, value, placeholder, numeric }: TextFieldProps) {
  return (
    <label class="filter-field">
      <span>{label}</span>
      {numeric ? (
        <input name={name} type="number" min={1} defaultValue={value ?? ''} placeholder={placeholder} />
      ) : (
        <input name={name} type="text" defaultValue={value ?? ''} placeholder={placeholder} />
      )}
    </label>
  );
}

/**
 * The queue's filter (uncontrolled fields: the page keys the form by the URL's filter, so they start
 * from it, and a reload of the list never overwrites what is being typed). Applying it moves to the queue URL that holds it, so a filtered view can be
 * linked, reloaded and gone back to; the fields are read from the form only when it is submitted.
 */
export function QueueFilterForm({ filter }: { readonly filter: QueueFilter }) {
  const { route } = useLocation();
  return (
    <form
      class="queue-filter"
      role="search"
      aria-label="Queue filter"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        route(pageUrls.queue(fromPageQuery(Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v)])))));
      }}
    >
      <label class="filter-field">
        <span>State</span>
        <select name="state">
          <option value="">any</option>
          {STATES.map((s) => (
            <option key={s} value={s} selected={filter.state === s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <TextField name="provider" label="Provider" value={filter.provider} placeholder="smtp" />
      <TextField name="type" label="Address type" value={filter.type} placeholder="smtp" />
      <TextField name="domain" label="Domain" value={filter.domain} placeholder="example.org" />
      <TextField name="olderThan" label="Older than (seconds)" value={filter.olderThan} placeholder="3600" numeric />
      <TextField name="message" label="Message id" value={filter.message} />
      <div class="filter-buttons">
        <button type="submit">Apply filter</button>
        {!isEmptyFilter(filter) && <a href={pageUrls.queue({})}>Clear</a>}
      </div>
    </form>
  );
}
