import { expect, it } from 'vitest';
import { runCrashScenario } from './scenarios/crash.js';

it('crash (short): 300 messages, 3 SIGKILLs, nothing lost, duplicates only where a send was in flight', async () => {
  const figures = await runCrashScenario({ messages: 300, kills: 3, timeLimitMs: 90_000 });
  expect(figures.missing).toBe(0);
  expect(figures.kills).toBe(3);
  expect(figures.killsAfter250).toBeGreaterThan(0);
  expect(figures.unexplainedDuplicates).toBe(0);
  expect(figures.smtpDuplicates + figures.loopbackDuplicates).toBeLessThanOrEqual(figures.inFlightAtKills);
}, 120_000);
