import type { Secret } from './secret.js';
import type { InboundMessage } from './message.js';
import type { ProviderManifest } from './manifest.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured logger. A provider's logger is scoped to it; known secret values are redacted from every line. */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
  child(bindings: Readonly<Record<string, unknown>>): Logger;
}

/** Time, injected so tests can move it. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

/**
 * A provider's view of the credential service: only the credentials its manifest declares.
 * Asking for any other name is an `XPORT_CREDENTIAL_UNDECLARED` error.
 */
export interface CredentialView {
  /** The credential, or undefined when no source has it. */
  get(name: string): Secret | undefined;
  /** The credential, or an `XPORT_CREDENTIAL_MISSING` error naming it and the sources searched. */
  require(name: string): Secret;
  /** Names this provider declared. */
  readonly declared: readonly string[];
}

/**
 * A key of the provider's DI container: an {@link XportTokens} symbol (or any symbol or string a
 * container registers), or a class. A plain type, so a provider compiles without tsyringe.
 */
// `any[]`: a class with any constructor parameters is a key (tsyringe's own constructor type reads the same).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServiceToken<T = unknown> = symbol | string | (new (...args: any[]) => T);

/**
 * The provider's DI container as far as a provider uses it. The kernel's is a tsyringe child
 * container; this is the part of it a provider needs, typed without tsyringe.
 */
export interface ServiceContainer {
  resolve<T>(token: ServiceToken<T>): T;
  isRegistered(token: ServiceToken, recursive?: boolean): boolean;
}

/** Who a provider is, as the kernel loaded it. */
export interface ProviderInfo {
  readonly id: string;
  readonly packageName: string;
  readonly version: string;
  readonly directory: string;
  readonly manifest: ProviderManifest;
  /** The application root (where xport.config.json is); relative paths in config resolve from here. */
  readonly appRoot: string;
}

/** The kernel's inbound path, for a transport's receive side. Resolves once the store has durably accepted. */
export interface InboundPort {
  deliver(message: InboundMessage): Promise<InboundReceipt>;
}

export interface InboundReceipt {
  /** One inbox entry id per recipient mailbox. */
  readonly entries: ReadonlyArray<{ readonly mailbox: string; readonly id: string }>;
  /** Recipients an inbound hook rejected, with the reason. */
  readonly rejected: ReadonlyArray<{ readonly mailbox: string; readonly reason: string }>;
}
