import type { DependencyContainer } from 'tsyringe';
import { XportError, XportTokens, type Clock, type Logger } from '@xport/provider-sdk';
import { loadConfig, toXportConfig } from './config/load-config.js';
import type { XportConfig } from './config/config-schema.js';
import { CredentialService } from './credentials/credential-service.js';
import { createRootContainer } from './di/root-container.js';
import { toDefaultLogLevel } from './logging/log-level.js';
import { createPinoLogger } from './logging/pino-logger.js';
import { toRedactingLogger } from './logging/redacting-logger.js';
import { SecretRedactor } from './logging/secret-redactor.js';
import { systemScheduler, type Scheduler } from './lifecycle/scheduler.js';
import type { KernelOptions } from './kernel-types.js';

/** Everything a kernel owns besides its providers, built once by `createKernel`. */
export interface KernelServices {
  readonly config: XportConfig;
  /** Why the configuration was refused; `start()` rejects with it, `discover()` reports it. */
  readonly configError: XportError | undefined;
  readonly redactor: SecretRedactor;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly credentials: CredentialService;
  readonly scheduler: Scheduler;
  readonly container: DependencyContainer;
}

function readConfig(options: KernelOptions): { config: XportConfig; configError: XportError | undefined } {
  try {
    const config = options.config === undefined ? loadConfig(options.root) : toXportConfig(options.config, 'createKernel({ config })');
    return { config, configError: undefined };
  } catch (error) {
    if (!XportError.is(error)) throw error;
    return { config: toXportConfig({}, 'defaults'), configError: error };
  }
}

export function createKernelServices(options: KernelOptions): KernelServices {
  const read = readConfig(options);
  const { config } = read;
  let { configError } = read;
  const redactor = new SecretRedactor();
  let logger: Logger;
  if (options.logger) {
    logger = toRedactingLogger(options.logger, redactor);
  } else {
    // The process's environment, not options.env: that one is the credential environment.
    const { level, error } = toDefaultLogLevel(config.logLevel, process.env);
    configError ??= error;
    logger = createPinoLogger({ level, redactor });
  }
  const clock = options.clock ?? { now: () => Date.now() };
  const credentials = new CredentialService({
    root: options.root,
    programmatic: options.credentials ?? {},
    env: config.credentials.env ? (options.env ?? process.env) : undefined,
    file: config.credentials.file,
    onValue: (value) => redactor.add(value),
    onRenamedVariable: (warning) => logger.warn(warning.message, { code: warning.code }),
  });
  const container = createRootContainer({ clock, logger });
  if (options.inbound) container.register(XportTokens.Inbound, { useValue: options.inbound });
  return { config, configError, redactor, logger, clock, credentials, scheduler: options.scheduler ?? systemScheduler, container };
}
