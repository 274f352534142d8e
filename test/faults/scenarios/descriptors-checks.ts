import { expect } from 'vitest';
import type { DescriptorsFigures, DescriptorsOptions } from './descriptors.js';

/** What the `descriptors` scenario must show, whatever its size. */
export function expectDescriptorsSurvived(options: DescriptorsOptions, figures: DescriptorsFigures): void {
  const { flood, exhaustion } = figures;
  // The flood really was more than the daemon had descriptors for.
  expect(flood.attempted).toBeGreaterThan(options.openFileLimit);
  // The listener held exactly its limit; everything else was refused with 421 4.7.0, nothing else.
  expect(flood.admitted).toBe(options.maxConnections);
  expect(flood.refusedPerClient).toBeGreaterThan(0);
  expect(flood.refusedTotal).toBeGreaterThan(0);
  expect(flood.otherReplies).toBe(0);
  expect(flood.admitted + flood.refusedTotal + flood.refusedPerClient).toBe(flood.attempted);
  expect(flood.mailWhileFull).toMatch(/^421 4\.7\.0 /);
  // Alive, with a descriptor to spare for its own heartbeat, and taking mail once the flood is gone.
  expect(flood.daemonAlive).toBe(true);
  expect(flood.heartbeatAfterFlood).toBe(true);
  expect(flood.mailAcceptedAfter).toBe(true);
  // One log line per episode, not one per refused connection.
  expect(flood.limitEpisodeLogLines).toBe(1);
  expect(flood.clientEpisodeLogLines).toBeGreaterThan(0);
  expect(flood.clientsLoggedTwice).toBe(0);

  // Out of descriptors: connections refused, each episode logged once, mail taken again after each.
  expect(exhaustion.refused).toBe(exhaustion.knocks);
  expect(exhaustion.otherOutcomes).toEqual([]);
  expect(exhaustion.pauseLogLines).toBe(options.exhaustionEpisodes);
  expect(exhaustion.resumeLogLines).toBe(options.exhaustionEpisodes);
  expect(exhaustion.mailAcceptedAfterEach).toBe(options.exhaustionEpisodes);
  expect(exhaustion.exitCode).toBe(0);

  // Nothing answered 250 was lost.
  expect(figures.lost).toBe(0);
  expect(figures.storedMessages).toBe(figures.acceptedMessages);
}
