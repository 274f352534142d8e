import type { HookProvider } from '@xport/provider-sdk';
import type { XportConfig } from '../config/config-schema.js';
import type { ProviderRunner } from '../lifecycle/provider-runner.js';
import type { HookEntry } from '../spooler/host.js';

/**
 * The hook providers that judge messages, in judging order: those named in `hookOrder` first, in
 * that order, then the rest in discovery order. Every enabled hook counts, whatever discovery found:
 * one with an invalid manifest or configuration never comes online, and must refuse messages rather
 * than vanish from the chain. `providers.<id>.enabled: false` is the way to take a hook out.
 */
export function toJudgingHookRunners(runners: readonly ProviderRunner[], config: Pick<XportConfig, 'hookOrder' | 'providers'>): ProviderRunner[] {
  const hooks = runners.filter((r) => r.record.kind === 'hook' && r.record.enabled && config.providers[r.id]?.enabled !== false);
  const rank = (id: string): number => {
    const index = config.hookOrder.indexOf(id);
    return index === -1 ? config.hookOrder.length : index;
  };
  return hooks
    .map((runner, index) => ({ runner, index }))
    .sort((a, b) => rank(a.runner.id) - rank(b.runner.id) || a.index - b.index)
    .map(({ runner }) => runner);
}

/** A hook runner as the spooler sees it right now (state and error change at run time). */
export function toHookEntry(runner: ProviderRunner): HookEntry {
  const entry: { -readonly [K in keyof HookEntry]: HookEntry[K] } = {
    id: runner.id,
    state: runner.state,
    hook: runner.instance as unknown as HookProvider | undefined,
    advisory: runner.record.manifest?.advisory === true,
  };
  if (runner.lastError !== undefined) entry.lastError = runner.lastError;
  return entry;
}
