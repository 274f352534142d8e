import type { InboundMessage, MessageInput } from '../message.js';

/** What a hook should decide for a sample message. */
export type ExpectedVerdict = 'pass' | 'reject' | 'rewrite';

/**
 * A message the suite hands your hook, and the verdict it should give. Give content as strings or
 * bytes, not streams: the suite judges each sample more than once.
 */
export interface HookSample<Message> {
  /** Names the sample in failures; default: its position and subject. */
  readonly name?: string;
  readonly message: Message;
  readonly verdict: ExpectedVerdict;
}

/** A message to `submit`, judged by the hook's `outbound`. */
export type OutboundHookSample = HookSample<MessageInput>;
/** A received message, judged by the hook's `inbound`. */
export type InboundHookSample = HookSample<InboundMessage>;

/** What the hook conformance suite needs to know about your hook. */
export interface HookConformanceOptions {
  /** The hook package directory (package.json with the `"xport"` manifest; its entry built). */
  readonly packageDir: string;
  /** The hook's configuration (`providers.<id>.config`). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Credentials that logon accepts, by name. Their values must never show up in output. */
  readonly credentials?: Readonly<Record<string, string>>;
  /** Credentials that logon must refuse with `XPORT_LOGON_FAILED`; omit when the hook has none to refuse. */
  readonly badCredentials?: Readonly<Record<string, string>>;
  /**
   * Messages to submit with the verdict `outbound` should give each. Required when the hook has an
   * `outbound` method, refused when it has none. Cover each verdict your hook can give.
   */
  readonly outbound?: readonly OutboundHookSample[];
  /** Received messages with the verdict `inbound` should give each; required exactly when the hook has an `inbound` method. */
  readonly inbound?: readonly InboundHookSample[];
  /** Where `@xport/core` and `@xport/store-memory` are resolved from (default: the current directory, then packageDir). */
  readonly resolveFrom?: string;
  /** Called once after the suite: stop any test server your hook talks to here. */
  close?(): Promise<void> | void;
}

/** Options, or a function that makes them once before the suite (start your test server there). */
export type HookConformanceSetup = HookConformanceOptions | (() => Promise<HookConformanceOptions> | HookConformanceOptions);
