import { it } from 'vitest';
import { runGracefulStopScenario } from './scenarios/graceful-stop.js';
import { expectGracefulStop } from './scenarios/graceful-stop-checks.js';

it('graceful stop (long): 3,000 messages, 6 SIGTERMs under load, nothing claimed after exit, restart drains', async () => {
  expectGracefulStop(await runGracefulStopScenario({ messages: 3000, stops: 6, timeLimitMs: 10 * 60_000 }));
});
