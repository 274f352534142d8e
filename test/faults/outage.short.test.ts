import { it } from 'vitest';
import { runOutageScenario } from './scenarios/outage.js';
import { expectOutageRidden } from './scenarios/outage-checks.js';

it('relay outage (short): refused, hung, 4xx, recovered — everything delivered, attempts follow the backoff', async () => {
  expectOutageRidden(await runOutageScenario({ messages: 40, phaseMs: 2500, timeLimitMs: 120_000 }));
}, 180_000);
