import { it } from 'vitest';
import { runMisbehaviourScenario } from './scenarios/misbehaviour.js';
import { expectMisbehaviourContained } from './scenarios/misbehaviour-checks.js';

it('provider misbehaviour (short): hung, throwing, garbage and unstoppable transports are contained', async () => {
  expectMisbehaviourContained(await runMisbehaviourScenario({ messages: 20, timeLimitMs: 60_000 }), 20);
}, 150_000);
