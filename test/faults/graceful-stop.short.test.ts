import { it } from 'vitest';
import { runGracefulStopScenario } from './scenarios/graceful-stop.js';
import { expectGracefulStop } from './scenarios/graceful-stop-checks.js';

it('graceful stop (short): SIGTERM under load exits in bounded time, leaves nothing claimed, restart drains', async () => {
  expectGracefulStop(await runGracefulStopScenario({ messages: 200, stops: 2, timeLimitMs: 200_000 }));
}, 240_000);
