import { it } from 'vitest';
import { runOverloadScenario } from './scenarios/overload.js';
import { expectOverloadAbsorbed } from './scenarios/overload-checks.js';

it('overload (short): 2,500 messages into a slow transport — every submit accepted, bounded memory, everything drains', async () => {
  expectOverloadAbsorbed(await runOverloadScenario({ messages: 2500, timeLimitMs: 240_000 }));
}, 300_000);
