import { DeliveryRatePanel } from '../chart/delivery-rate-panel.js';
import { apiPaths } from '../api/api-paths.js';
import type { Provider, ProvidersAnswer } from '../api/api-types.js';
import { useApi } from '../api/use-api.js';
import { LoadState } from '../views/load-state.js';
import { PageHead } from '../views/page-head.js';
import { StateBadge } from '../views/state-badge.js';

function QueueCounts({ queue }: { readonly queue: Provider['queue'] }) {
  if (queue === undefined) return null;
  return (
    <dl class="counts">
      <div><dt>queued</dt><dd>{queue.queued}</dd></div>
      <div><dt>in flight</dt><dd>{queue.inFlight}</dd></div>
      <div><dt>deferred</dt><dd>{queue.deferred}</dd></div>
      <div><dt>held</dt><dd>{queue.held}</dd></div>
    </dl>
  );
}

function ProviderCard({ provider }: { readonly provider: Provider }) {
  return (
    <article class={`card provider ${provider.enabled ? '' : 'disabled'}`} aria-labelledby={`provider-${provider.id}`}>
      <header>
        <h2 id={`provider-${provider.id}`}>{provider.id}</h2>
        <StateBadge state={provider.state} />
      </header>
      <p class="muted">
        {provider.kind} · {provider.packageName} {provider.version}
        {provider.enabled ? '' : ' · disabled'}
      </p>
      {provider.addressTypes.length > 0 && (
        <p>
          Address types: {provider.addressTypes.map((t) => <code key={t}>{t}</code>)}
        </p>
      )}
      {provider.sides && provider.sides.length > 0 && (
        <ul class="sides">
          {provider.sides.map((side) => (
            <li key={side.name}>
              {side.name} <StateBadge state={side.state} /> {side.detail && <span class="muted">{side.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      <QueueCounts queue={provider.queue} />
      {provider.lastError && (
        <p class="diagnostic last-error">
          Last error: <code>{provider.lastError.code}</code> {provider.lastError.message}
        </p>
      )}
    </article>
  );
}

/** One card per provider (its state, address types, queue depth and last error), and the last hour's outcomes per minute, live. */
export function OverviewPage() {
  const loaded = useApi(apiPaths.providers, (api, signal) => api.json<ProvidersAnswer>(apiPaths.providers, signal));
  return (
    <section>
      <PageHead title="Overview" onRefresh={loaded.reload} />
      <LoadState loaded={loaded} what="the providers">
        {({ providers }) =>
          providers.length === 0 ? (
            <p class="muted">No provider is installed.</p>
          ) : (
            <div class="cards">
              {providers.map((p) => (
                <ProviderCard key={p.id} provider={p} />
              ))}
            </div>
          )
        }
      </LoadState>
      <DeliveryRatePanel />
    </section>
  );
}
