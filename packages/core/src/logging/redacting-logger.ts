import type { Logger } from '@xport/provider-sdk';
import type { SecretRedactor } from './secret-redactor.js';

/**
 * Wraps a logger the application injected (`createKernel({ logger })`) so known secret values are
 * masked in messages and fields before they reach it.
 */
export function toRedactingLogger(target: Logger, redactor: SecretRedactor): Logger {
  const fieldsOf = (fields: Readonly<Record<string, unknown>> | undefined) =>
    fields === undefined ? undefined : (redactor.redactDeep(fields) as Record<string, unknown>);
  return {
    debug: (message, fields) => target.debug(redactor.redact(message), fieldsOf(fields)),
    info: (message, fields) => target.info(redactor.redact(message), fieldsOf(fields)),
    warn: (message, fields) => target.warn(redactor.redact(message), fieldsOf(fields)),
    error: (message, fields) => target.error(redactor.redact(message), fieldsOf(fields)),
    child: (bindings) => toRedactingLogger(target.child(fieldsOf(bindings) as Record<string, unknown>), redactor),
  };
}
