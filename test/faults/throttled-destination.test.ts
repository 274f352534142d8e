import { it } from 'vitest';
import { printFigures } from './support/harness.js';
import { runThrottledDestinationScenario } from './scenarios/throttled-destination.js';
import { expectThrottleRidden } from './scenarios/throttled-destination-checks.js';

it('throttled destination (long): 2,000 messages to a relay answering 421 above 3 sessions, 500 to loopback meanwhile', async () => {
  const figures = await runThrottledDestinationScenario({ messages: 2000, others: 500, relaySessions: 3, relayDataDelayMs: 20, timeLimitMs: 600_000 });
  printFigures('throttled-destination', { ...figures });
  expectThrottleRidden(figures);
});
