import { it } from 'vitest';
import { runHungProviderScenario } from './scenarios/hung-provider.js';
import { expectHungProvidersContained } from './scenarios/hung-provider-checks.js';

it('hung providers (short): import, create, logon and start that never settle are contained at their deadline while loopback delivers; SIGTERM exits 0', async () => {
  expectHungProvidersContained(await runHungProviderScenario({ messages: 200, deadlineMs: 4000, logonTimeouts: 2, timeLimitMs: 90_000 }));
}, 150_000);
