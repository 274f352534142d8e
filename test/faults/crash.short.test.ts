import { expect, it } from 'vitest';
import { runCrashScenario } from './scenarios/crash.js';

it('crash (short): 300 messages, 3 SIGKILLs, nothing lost, duplicates only where a send was in flight', async () => {
  // The time limit is a safety net for the scenario's waits (store state, the daemon's death), not a
  // speed requirement: on a loaded machine the run takes a few times longer than on an idle one.
  const figures = await runCrashScenario({ messages: 300, kills: 3, timeLimitMs: 240_000 });
  expect(figures.missing).toBe(0);
  expect(figures.kills).toBe(3);
  expect(figures.killsAfter250).toBeGreaterThan(0);
  expect(figures.unexplainedDuplicates).toBe(0);
  expect(figures.smtpDuplicates + figures.loopbackDuplicates).toBeLessThanOrEqual(figures.inFlightAtKills);
}, 300_000);
