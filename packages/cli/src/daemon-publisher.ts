import type { Logger } from '@xport/provider-sdk';
import { DAEMON_FILE, writeDaemonRecord, type DaemonRecord } from './daemon-file.js';
import { createFailureEpisode } from './failure-episode.js';

export interface DaemonPublisher {
  /** Writes the current record soon (writes requested while one runs are folded into one more). */
  publish(): void;
  /** Stops the heartbeat and waits for a write under way. */
  stop(): Promise<void>;
}

/**
 * Publishes the daemon's record for `xport status`: at once, on request (every provider state
 * change) and every `heartbeatMs`. A write that fails — disk full, too many open files, a read-only
 * or immutable file — must never take the daemon down: it is logged once per episode and simply
 * tried again at the next heartbeat. The heartbeat timer is what keeps an otherwise idle daemon's
 * event loop alive (while a provider hangs there may be nothing else).
 */
export function startDaemonPublisher(options: { readonly root: string; readonly logger: Logger; readonly heartbeatMs: number; readonly record: () => DaemonRecord }): DaemonPublisher {
  const episode = createFailureEpisode(options.logger, `writing ${DAEMON_FILE}`, `retrying every ${options.heartbeatMs / 1000} s`);
  let writing: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const write = (): Promise<void> =>
    writeDaemonRecord(options.root, options.record()).then(
      () => episode.succeeded(),
      (error: unknown) => episode.failed(error),
    );

  const publish = (): void => {
    if (stopped) return;
    if (writing) {
      again = true;
      return;
    }
    writing = (async () => {
      do {
        again = false;
        await write();
      } while (again && !stopped);
    })().finally(() => {
      writing = undefined;
    });
  };

  const heartbeat = setInterval(publish, options.heartbeatMs);
  publish();
  return {
    publish,
    async stop() {
      stopped = true;
      clearInterval(heartbeat);
      await writing;
    },
  };
}
