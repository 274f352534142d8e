import { it } from 'vitest';
import { runHungProviderScenario } from './scenarios/hung-provider.js';
import { expectHungProvidersContained } from './scenarios/hung-provider-checks.js';

it('hung providers (long): 2,000 messages, five logon timeouts of the hung relay, everything else delivered, SIGTERM exits 0', async () => {
  expectHungProvidersContained(await runHungProviderScenario({ messages: 2000, deadlineMs: 10_000, logonTimeouts: 5, timeLimitMs: 10 * 60_000 }));
});
