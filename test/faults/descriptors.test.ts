import { it } from 'vitest';
import { runDescriptorsScenario, type DescriptorsOptions } from './scenarios/descriptors.js';
import { expectDescriptorsSurvived } from './scenarios/descriptors-checks.js';

// The flood of issue 15: ~1,100 idle connections against `ulimit -n 1024`, with the default limits.
const options: DescriptorsOptions = {
  openFileLimit: 1024,
  maxConnections: 100,
  maxConnectionsPerClient: 20,
  clients: 11,
  connectionsPerClient: 100,
  exhaustionEpisodes: 3,
  knocksPerEpisode: 200,
  timeLimitMs: 10 * 60_000,
};

it('descriptors (long): 1,100 idle connections against 1,024 descriptors, then three episodes with none — refused, daemon alive, mail taken after', async () => {
  expectDescriptorsSurvived(options, await runDescriptorsScenario(options));
});
