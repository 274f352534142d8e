import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/api-client.js';
import { ErrorNote } from '../views/load-state.js';
import { Instant } from '../views/instant.js';
import { RATE_TYPES, rateTotals, type DeliveryRate } from './delivery-rate.js';
import { useDeliveryRate, type DeliveryRateFeed } from './use-delivery-rate.js';

type ChartComponent = FunctionComponent<{ readonly rate: DeliveryRate }>;

/** uPlot and the chart, fetched once the overview is shown (a chunk of their own, not in the first load). */
function useChartComponent(): ChartComponent | 'failed' | undefined {
  const [chart, setChart] = useState<ChartComponent | 'failed' | undefined>(undefined);
  useEffect(() => {
    let live = true;
    import('./delivery-chart.js').then(
      (module) => live && setChart(() => module.DeliveryChart),
      () => live && setChart('failed'),
    );
    return () => {
      live = false;
    };
  }, []);
  return chart;
}

function StatusNote({ feed }: { readonly feed: DeliveryRateFeed }) {
  if (feed.status === 'stopped') return <ErrorNote error={feed.problem} />;
  const reason = feed.problem instanceof ApiError ? ` (${feed.problem.message})` : '';
  const text = {
    loading: 'Reading the last hour of events…',
    connecting: 'Connecting to the event stream…',
    live: 'Live: updated as recipients are delivered, deferred or failed.',
    reconnecting: `The event stream broke${reason}; reconnecting…`,
  }[feed.status];
  return (
    <p class={`feed-status ${feed.status}`} role="status">
      {text}
    </p>
  );
}

/** The minutes with any outcome, newest first: the chart's data as text. */
function MinuteTable({ rate }: { readonly rate: DeliveryRate }) {
  const rows = rate.minutes.map((minute, i) => ({ minute, counts: RATE_TYPES.map((type) => rate.counts[type][i]!) })).filter((row) => row.counts.some((n) => n > 0)).reverse();
  if (rows.length === 0) return <p class="muted">No recipient was delivered, deferred or failed in the last hour.</p>;
  return (
    <div class="table-scroll">
      <table class="rate-minutes">
        <thead>
          <tr>
            <th scope="col">Minute from</th>
            {RATE_TYPES.map((type) => (
              <th key={type} scope="col">
                {type}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.minute}>
              <td><Instant at={new Date(row.minute).toISOString()} /></td>
              {row.counts.map((n, i) => (
                <td key={RATE_TYPES[i]}>{n}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The overview's live chart of the last hour's delivered, deferred and failed recipients per minute,
 * with its totals as text in the caption and the counts of each minute in a table below it.
 */
export function DeliveryRatePanel() {
  const feed = useDeliveryRate();
  const Chart = useChartComponent();
  const totals = rateTotals(feed.rate);
  return (
    <figure class="card rate" aria-labelledby="rate-title">
      <figcaption>
        <h2 id="rate-title">Recipients per minute, last hour</h2>
        <dl class="counts rate-totals" aria-label="Totals of the last hour">
          {RATE_TYPES.map((type) => (
            <div key={type} class={type}>
              <dt>{type}</dt>
              <dd>{feed.status === 'loading' ? '…' : totals[type]}</dd>
            </div>
          ))}
        </dl>
      </figcaption>
      <StatusNote feed={feed} />
      {Chart === 'failed' ? <p class="muted">The chart could not be loaded; the counts are in the table below.</p> : Chart ? <Chart rate={feed.rate} /> : <div class="rate-chart" aria-hidden="true" />}
      <details class="rate-table">
        <summary>Counts per minute</summary>
        <MinuteTable rate={feed.rate} />
      </details>
    </figure>
  );
}
