import { it } from 'vitest';
import { runOverloadScenario } from './scenarios/overload.js';
import { expectOverloadAbsorbed } from './scenarios/overload-checks.js';

it('overload (long): 100,000 messages into a slow transport — every submit accepted, bounded memory, everything drains', async () => {
  expectOverloadAbsorbed(await runOverloadScenario({ messages: 100_000, timeLimitMs: 20 * 60_000 }));
});
