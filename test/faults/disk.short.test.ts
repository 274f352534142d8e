import { it } from 'vitest';
import { runDiskScenario } from './scenarios/disk.js';
import { expectDiskTroubleSurvived } from './scenarios/disk-checks.js';

it('disk trouble (short): full and read-only store refuse submits with XPORT_STORE_UNAVAILABLE, lose nothing, recover', async () => {
  expectDiskTroubleSurvived(await runDiskScenario({ bodyBytes: 16 * 1024, quotaBytes: 1024 * 1024, timeLimitMs: 30_000 }));
}, 90_000);
