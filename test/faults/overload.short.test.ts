import { it } from 'vitest';
import { runOverloadScenario } from './scenarios/overload.js';
import { expectOverloadAbsorbed } from './scenarios/overload-checks.js';

it('overload (short): 2,500 messages into a slow transport — bounded memory, responsive submit, everything drains', async () => {
  expectOverloadAbsorbed(await runOverloadScenario({ messages: 2500, timeLimitMs: 90_000 }));
}, 150_000);
