import { it } from 'vitest';
import { CANNOT_MOUNT, describeIf } from '../support/small-disk.js';
import { runDaemonDiskScenario } from './scenarios/disk-daemon.js';
import { runQuotaScenario, runTmpfsScenario } from './scenarios/disk.js';
import { expectDaemonSurvived, expectQuotaSurvived, expectTmpfsSurvived } from './scenarios/disk-checks.js';

it('disk trouble (short): a store over its quota refuses submits with XPORT_STORE_FULL, loses nothing, delivers all after a restart with room', async () => {
  expectQuotaSurvived(await runQuotaScenario({ bodyBytes: 16 * 1024, quotaBytes: 1024 * 1024, timeLimitMs: 30_000 }));
}, 90_000);

describeIf(CANNOT_MOUNT, 'disk trouble (short) on a real small filesystem', () => {
  it('a full, then read-only tmpfs under a running kernel: XPORT_STORE_FULL (ENOSPC, EROFS), accepted again with no restart, nothing lost', async () => {
    expectTmpfsSurvived(await runTmpfsScenario({ bodyBytes: 16 * 1024, quotaBytes: 1024 * 1024, timeLimitMs: 30_000 }));
  }, 90_000);

  it('a daemon whose .xport is a 2 MiB tmpfs stays up while it is full, refuses submits with XPORT_STORE_FULL, takes them again once space returns, loses nothing', async () => {
    expectDaemonSurvived(await runDaemonDiskScenario({ diskBytes: 2 * 1024 * 1024, leaveBytes: 512 * 1024, bodyBytes: 16 * 1024, cycles: 1, afterSpace: 10, timeLimitMs: 60_000 }));
  }, 120_000);
});
