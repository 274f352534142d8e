import { expect, it } from 'vitest';
import { runCrashScenario } from './scenarios/crash.js';

it('crash (long): 5,000 messages, 12 SIGKILLs, nothing lost, duplicates only where a send was in flight', async () => {
  const figures = await runCrashScenario({ messages: 5000, kills: 12, timeLimitMs: 15 * 60_000 });
  expect(figures.missing).toBe(0);
  expect(figures.kills).toBeGreaterThanOrEqual(10);
  expect(figures.killsAfter250).toBeGreaterThan(0);
  expect(figures.unexplainedDuplicates).toBe(0);
  expect(figures.smtpDuplicates + figures.loopbackDuplicates).toBeLessThanOrEqual(figures.inFlightAtKills);
});
