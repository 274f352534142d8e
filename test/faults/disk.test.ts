import { it } from 'vitest';
import { runDiskScenario } from './scenarios/disk.js';
import { expectDiskTroubleSurvived } from './scenarios/disk-checks.js';

it('disk trouble (long): full and read-only store refuse submits with XPORT_STORE_UNAVAILABLE, lose nothing, recover', async () => {
  expectDiskTroubleSurvived(await runDiskScenario({ bodyBytes: 4 * 1024, quotaBytes: 4 * 1024 * 1024, timeLimitMs: 120_000 }));
});
