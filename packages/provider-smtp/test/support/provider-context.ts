import 'reflect-metadata';
import { container as rootContainer } from 'tsyringe';
import {
  Secret,
  XportError,
  type CredentialView,
  type InboundMessage,
  type InboundReceipt,
  type Logger,
  type ProviderContext,
  type ProviderManifest,
} from '@xport/provider-sdk';
import { readFileSync } from 'node:fs';
import type { SmtpConfig } from '../../src/index.js';
import { recordOutput, registerSecret } from '../../../../test/support/output-recorder.js';

export const manifest = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { xport: ProviderManifest }).xport;

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

function collectingLogger(lines: LogLine[], bindings: Readonly<Record<string, unknown>> = {}): Logger {
  const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    const line = { level, message, fields: { ...bindings, ...fields } };
    recordOutput('smtp test logger', line); // the suite-wide leak check scans every provider log line
    lines.push(line);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (more) => collectingLogger(lines, { ...bindings, ...more }) };
}

/** A CredentialView over a map of Secrets that refuses names the manifest does not declare. */
function credentialView(values: Readonly<Record<string, string>>): CredentialView {
  // Passwords and tokens a test hands the provider must never reach its logs (the user name may).
  for (const [name, value] of Object.entries(values)) if (name !== 'username') registerSecret(`smtp ${name}`, value);
  const declared = Object.keys(manifest.credentials ?? {});
  const secrets = new Map(Object.entries(values).map(([name, value]) => [name, new Secret(value)]));
  const get = (name: string): Secret | undefined => {
    if (!declared.includes(name)) {
      throw new XportError('XPORT_CREDENTIAL_UNDECLARED', `provider "smtp" asked for credential "${name}", declared: ${declared.join(', ')}`);
    }
    return secrets.get(name);
  };
  return {
    declared,
    get,
    require(name) {
      const secret = get(name);
      if (!secret) throw new XportError('XPORT_CREDENTIAL_MISSING', `credential "${name}" is missing (searched: test map)`);
      return secret;
    },
  };
}

export interface TestContext {
  readonly context: ProviderContext<SmtpConfig>;
  readonly logs: LogLine[];
  readonly delivered: InboundMessage[];
  /** Makes deliveries reject with this error (the store or the kernel refusing), until set back to undefined. */
  deliveryError: Error | undefined;
  /** Makes deliveries come back with every recipient rejected for this reason (an inbound hook refusing). */
  rejectReason: string | undefined;
}

/** Assembles the provider's input the way the kernel would, with collecting services. */
export function createTestContext(config: SmtpConfig, credentials: Readonly<Record<string, string>> = {}): TestContext {
  const logs: LogLine[] = [];
  const delivered: InboundMessage[] = [];
  const state: TestContext = {
    logs,
    delivered,
    deliveryError: undefined,
    rejectReason: undefined,
    context: undefined as unknown as ProviderContext<SmtpConfig>,
  };
  const child = rootContainer.createChildContainer();
  let nextId = 0;
  const context: ProviderContext<SmtpConfig> = {
    info: { id: 'smtp', packageName: '@xport/provider-smtp', version: '0.1.0', directory: process.cwd(), manifest, appRoot: process.cwd() },
    config,
    credentials: credentialView(credentials),
    logger: collectingLogger(logs),
    clock: { now: () => Date.now() },
    store: undefined,
    inbound: {
      async deliver(message): Promise<InboundReceipt> {
        if (state.deliveryError) throw state.deliveryError;
        const reason = state.rejectReason;
        if (reason !== undefined) return { entries: [], rejected: message.recipients.map((r) => ({ mailbox: `smtp:${r.address}`, reason })) };
        delivered.push(message);
        return { entries: message.recipients.map((r) => ({ mailbox: `smtp:${r.address}`, id: `in-${(nextId += 1)}` })), rejected: [] };
      },
    },
    resolve: (token) => child.resolve(token),
    container: child,
  };
  return Object.assign(state, { context });
}
