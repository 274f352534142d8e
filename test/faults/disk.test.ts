import { it } from 'vitest';
import { CANNOT_MOUNT, describeIf } from '../support/small-disk.js';
import { runDaemonDiskScenario } from './scenarios/disk-daemon.js';
import { runQuotaScenario, runTmpfsScenario } from './scenarios/disk.js';
import { expectDaemonSurvived, expectQuotaSurvived, expectTmpfsSurvived } from './scenarios/disk-checks.js';

it('disk trouble (long): a store over its quota refuses submits with XPORT_STORE_FULL, loses nothing, delivers all after a restart with room', async () => {
  expectQuotaSurvived(await runQuotaScenario({ bodyBytes: 4 * 1024, quotaBytes: 4 * 1024 * 1024, timeLimitMs: 120_000 }));
});

describeIf(CANNOT_MOUNT, 'disk trouble (long) on a real small filesystem', () => {
  it('a full, then read-only tmpfs under a running kernel: XPORT_STORE_FULL (ENOSPC, EROFS), accepted again with no restart, nothing lost', async () => {
    expectTmpfsSurvived(await runTmpfsScenario({ bodyBytes: 4 * 1024, quotaBytes: 4 * 1024 * 1024, timeLimitMs: 120_000 }));
  });

  it('a daemon whose .xport is an 8 MiB tmpfs fills up three times: stays up, refuses with XPORT_STORE_FULL, takes submits again each time space returns, loses nothing', async () => {
    expectDaemonSurvived(await runDaemonDiskScenario({ diskBytes: 8 * 1024 * 1024, leaveBytes: 768 * 1024, bodyBytes: 4 * 1024, cycles: 3, afterSpace: 20, timeLimitMs: 300_000 }));
  });
});
