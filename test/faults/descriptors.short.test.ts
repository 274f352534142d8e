import { it } from 'vitest';
import { runDescriptorsScenario, type DescriptorsOptions } from './scenarios/descriptors.js';
import { expectDescriptorsSurvived } from './scenarios/descriptors-checks.js';

const options: DescriptorsOptions = {
  openFileLimit: 256,
  maxConnections: 50,
  maxConnectionsPerClient: 20,
  clients: 11,
  connectionsPerClient: 30,
  exhaustionEpisodes: 1,
  knocksPerEpisode: 20,
  timeLimitMs: 60_000,
};

it('descriptors (short): 330 idle connections against 256 descriptors, then none at all — refused with 421 or at TCP, daemon alive, mail taken after', async () => {
  expectDescriptorsSurvived(options, await runDescriptorsScenario(options));
}, 120_000);
