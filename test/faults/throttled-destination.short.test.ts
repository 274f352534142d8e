import { it } from 'vitest';
import { printFigures } from './support/harness.js';
import { runThrottledDestinationScenario } from './scenarios/throttled-destination.js';
import { expectThrottleRidden } from './scenarios/throttled-destination-checks.js';

it('throttled destination (short): a relay answering 421 above 3 sessions gets everything, slowed; loopback does not wait behind it', async () => {
  const figures = await runThrottledDestinationScenario({ messages: 120, others: 20, relaySessions: 3, relayDataDelayMs: 25, timeLimitMs: 120_000 });
  printFigures('throttled-destination', { ...figures });
  expectThrottleRidden(figures);
}, 180_000);
