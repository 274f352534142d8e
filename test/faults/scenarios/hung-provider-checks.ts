import { expect } from 'vitest';
import type { HungProviderFigures } from './hung-provider.js';

/** What scenario 7 must show, whatever its size. Times are figures, never bounds. */
export function expectHungProvidersContained(figures: HungProviderFigures): void {
  // Each hung provider was given up on (import/create) or set aside to retry (logon/start), with the code.
  expect(figures.markedStates).toMatchObject({ 'hang-import': 'failed', 'hang-create': 'failed' });
  // Seen between retries (offline) or already in the next try, which keeps the last error until it settles.
  expect(['offline', 'logging-on']).toContain(figures.markedStates['hang-logon']);
  expect(['offline', 'logging-on', 'starting']).toContain(figures.markedStates['hang-start']);
  for (const ms of Object.values(figures.markedMs)) expect(ms).toBeGreaterThanOrEqual(figures.deadlineMs);
  // Given up on after its deadline, not before (how long after is a figure: it depends on the load).
  expect(Object.keys(figures.containedMs).sort()).toEqual(['hang-create', 'hang-import', 'hang-logon', 'hang-start']);
  for (const ms of Object.values(figures.containedMs)) expect(ms).toBeGreaterThanOrEqual(figures.deadlineMs);
  expect(figures.logonTimeouts).toBeGreaterThanOrEqual(2);
  // The daemon was visible from outside while providers hung.
  expect(figures.statusSawTheDaemon).toBe(true);
  // The healthy transport delivered everything while hang-logon never once came online.
  expect(figures.loopbackDelivered).toBe(figures.messages);
  expect(figures.hangLogonStatesSeen).not.toContain('online');
  // Nothing accepted for the hung transports was lost or failed: it waits for them.
  expect(figures.hungRecipientsKept).toBe(figures.hungRecipients);
  // SIGTERM: a clean stop, both with providers timed out and with an import still hanging.
  expect(figures.exitCode).toBe(0);
  expect(figures.stoppedLogged).toBe(true);
  expect(figures.sigtermDuringImport).toMatchObject({ exitCode: 0, signal: null, stateAtSigterm: 'loading', stoppedLogged: true });
}
