import type { Logger } from '@xport/provider-sdk';

/** What a repeating background task reports after each try. */
export interface FailureEpisode {
  failed(error: unknown): void;
  succeeded(): void;
}

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
};

/**
 * Logs a repeating background task's trouble once per episode, not once per tick: the first
 * failure, a failure of another kind (another error code) during the episode, and the recovery —
 * so a disk that stays full for a day writes three lines, not seventeen thousand.
 *
 * @example
 * const episode = createFailureEpisode(logger, 'writing .xport/daemon.json', 'retrying every 5 s');
 * write().then(() => episode.succeeded(), (error) => episode.failed(error));
 */
export function createFailureEpisode(logger: Logger, what: string, retry: string): FailureEpisode {
  let current: { code: string; failures: number } | undefined;
  return {
    failed(error) {
      const code = codeOf(error);
      if (current !== undefined) {
        current.failures += 1;
        if (current.code === code) return;
      }
      logger.error(`${what} failed; ${retry} (logged again when it works or fails differently)`, { code, error: error instanceof Error ? error.message : String(error) });
      current = { code, failures: current?.failures ?? 1 };
    },
    succeeded() {
      if (current === undefined) return;
      logger.info(`${what} works again`, { failedAttempts: current.failures });
      current = undefined;
    },
  };
}
