import { XportError } from '@xport/provider-sdk';

/**
 * The exit codes of `xport` (docs/cli.md). Where a `sysexits.h` code fits it is used, so that a
 * supervisor (systemd `RestartPreventExitStatus=78`, a Kubernetes probe, a script) can tell a
 * configuration it must not retry from a store that may come back.
 */
export const EXIT_CODES = {
  /** Done. Also after the reader of the output went away (`xport status | head -1`). */
  ok: 0,
  /** Anything else: a refused message, a rejected batch line, a failed command. */
  failure: 1,
  /** EX_UNAVAILABLE: the message store cannot be opened or written (unreachable, full, read-only, newer schema). */
  storeUnavailable: 69,
  /** EX_CONFIG: xport.config.json is invalid, names a store that cannot be run (missing, or lacking contract methods, or the suppression list `xport suppression` or the queue operations `xport queue` needs), or needs a credential no source has. */
  config: 78,
} as const;

// A store that lacks contract methods will lack them after a restart too: the installed packages must change.
const CONFIG_ERRORS: ReadonlySet<string> = new Set([
  'XPORT_CONFIG_INVALID',
  'XPORT_STORE_NOT_CONFIGURED',
  'XPORT_STORE_INCOMPATIBLE',
  'XPORT_SUPPRESSION_UNSUPPORTED',
  'XPORT_QUEUE_OPERATIONS_UNSUPPORTED',
  'XPORT_STORE_NO_EVENTS',
  'XPORT_CREDENTIAL_MISSING',
  'XPORT_WEBHOOK_SECRET_INVALID',
  'XPORT_WEBHOOK_EVENTS_UNAVAILABLE',
]);
const STORE_ERRORS: ReadonlySet<string> = new Set(['XPORT_STORE_UNAVAILABLE', 'XPORT_STORE_FULL', 'XPORT_STORE_SCHEMA_NEWER']);

/**
 * The exit code for an error a command ended with.
 *
 * @example
 * toExitCode(new XportError('XPORT_CONFIG_INVALID', '…')) // 78
 */
export function toExitCode(error: unknown): number {
  if (!XportError.is(error)) return EXIT_CODES.failure;
  if (CONFIG_ERRORS.has(error.code)) return EXIT_CODES.config;
  if (STORE_ERRORS.has(error.code)) return EXIT_CODES.storeUnavailable;
  return EXIT_CODES.failure;
}
