import { it } from 'vitest';
import { runMisbehaviourScenario } from './scenarios/misbehaviour.js';
import { expectMisbehaviourContained } from './scenarios/misbehaviour-checks.js';

it('provider misbehaviour (long): 500 messages through hung, throwing, garbage and unstoppable transports', async () => {
  expectMisbehaviourContained(await runMisbehaviourScenario({ messages: 500, timeLimitMs: 120_000 }), 500);
});
