import type { ReportedError } from '../discovery/provider-record.js';
import type { XportConfig } from '../config/config-schema.js';
import type { SecretRedactor } from '../logging/secret-redactor.js';
import type { FaultOrigin } from './fault-attribution.js';

/** The steps of a provider's life the kernel waits for; `open`/`close` are a store's. */
export type LifecycleStep = 'import' | 'create' | 'logon' | 'open' | 'start' | 'stop' | 'close';

/** Milliseconds the kernel waits for each step before it gives up on it. */
export type LifecycleDeadlines = Readonly<Record<LifecycleStep, number>>;

const CONFIG_KEY: Readonly<Record<LifecycleStep, string>> = {
  import: 'lifecycle.importTimeoutMs',
  create: 'lifecycle.createTimeoutMs',
  logon: 'lifecycle.logonTimeoutMs',
  open: 'lifecycle.startTimeoutMs',
  start: 'lifecycle.startTimeoutMs',
  stop: 'lifecycle.stopTimeoutMs',
  close: 'lifecycle.stopTimeoutMs',
};

/** The deadlines of `xport.config.json`; a store's open() counts as its start, its close() as its stop. */
export function toLifecycleDeadlines(config: XportConfig): LifecycleDeadlines {
  const { lifecycle, spooler } = config;
  // One setting for a graceful stop unless the provider stops are given their own.
  const stop = lifecycle.stopTimeoutMs ?? spooler.stopTimeoutMs;
  return {
    import: lifecycle.importTimeoutMs,
    create: lifecycle.createTimeoutMs,
    logon: lifecycle.logonTimeoutMs,
    open: lifecycle.startTimeoutMs,
    start: lifecycle.startTimeoutMs,
    stop,
    close: stop,
  };
}

/** The status-row error of a provider that missed a step's deadline: what, how long, which setting, what happens next. */
export function toTimeoutReport(id: string, step: LifecycleStep, limitMs: number): ReportedError {
  if (step === 'stop' || step === 'close') {
    return { code: 'XPORT_PROVIDER_TIMEOUT', message: `provider "${id}": ${step}() did not finish within ${limitMs} ms; the kernel stopped waiting for it and will not call it again` };
  }
  const what = step === 'import' ? 'importing its entry module' : `${step}()`;
  const next = step === 'import' || step === 'create' ? 'the kernel gave up on it' : 'logging on again with backoff';
  return { code: 'XPORT_PROVIDER_TIMEOUT', message: `provider "${id}": ${what} did not settle within ${limitMs} ms (${CONFIG_KEY[step]}); ${next}` };
}

/** The status-row error of a provider whose code left an exception or a rejection unhandled. */
export function toFaultReport(id: string, origin: FaultOrigin, error: unknown, redactor: SecretRedactor): ReportedError {
  const what = origin === 'uncaughtException' ? 'threw an exception nothing caught' : 'rejected a promise nothing handled';
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: 'XPORT_PROVIDER_FAULT', message: redactor.redact(`provider "${id}" ${what}: ${reason}`) };
}
