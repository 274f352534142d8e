import { it } from 'vitest';
import { runOutageScenario } from './scenarios/outage.js';
import { expectOutageRidden } from './scenarios/outage-checks.js';

it('relay outage (long): 2,000 messages through 45 s of refused, hung and 4xx relay', async () => {
  expectOutageRidden(await runOutageScenario({ messages: 2000, phaseMs: 15_000, timeLimitMs: 180_000 }));
});
