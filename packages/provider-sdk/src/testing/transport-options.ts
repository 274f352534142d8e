import type { TestKernel } from './test-kernel.js';

/** What the transport conformance suite needs to know about your provider and its far end. */
export interface TransportConformanceOptions {
  /** The provider package directory (package.json with the `"xport"` manifest; its entry built). */
  readonly packageDir: string;
  /** The provider's configuration (`providers.<id>.config`). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Credentials that logon accepts, by name. Their values must never show up in errors, status or logs. */
  readonly credentials?: Readonly<Record<string, string>>;
  /** Credentials that logon must refuse with `XPORT_LOGON_FAILED`; omit when the provider has none to refuse. */
  readonly badCredentials?: Readonly<Record<string, string>>;
  /** Sender of the test messages (text form); default: the first `deliver` address. */
  readonly from?: string;
  /** Recipients (text form) the transport should deliver. At least one. */
  readonly deliver: readonly string[];
  /** Recipients it should fail permanently. */
  readonly fail?: readonly string[];
  /**
   * Recipients it should defer at every attempt (the far end keeps saying "later"). The suite checks
   * the first deferral, then makes them due (`TestKernel.makeDue`) and checks the retry.
   */
  readonly defer?: readonly string[];
  /** Recipients it should answer `not-me` for (another transport of the same address type should get them). */
  readonly notMine?: readonly string[];
  /**
   * The configuration under which the transport answers `not-me` for `notMine`, when that is another
   * configuration than `config` (the SMTP transport without a relay hands every recipient on). Default:
   * `config`. When given, the batch case leaves `notMine` out.
   */
  readonly notMineConfig?: Readonly<Record<string, unknown>>;
  /**
   * What the far end has received so far, as recipient text forms (`smtp:bob@example.net`, or a bare
   * e-mail address). Lets the suite check that delivered recipients arrived exactly once and failed
   * ones never did. Omit when your test cannot see the far end.
   */
  deliveredTo?(harness: TestKernel): Promise<readonly string[]> | readonly string[];
  /** Where `@xport/core` and `@xport/store-memory` are resolved from (default: the current directory, then packageDir). */
  readonly resolveFrom?: string;
  /** Longest wait for outcomes, in ms (default 30 000): a bound on a hang, not a measure of speed. */
  readonly timeoutMs?: number;
  /** Called once after the suite: stop your test server here. */
  close?(): Promise<void> | void;
}

/** Options, or a function that makes them once before the suite (start your test server there). */
export type TransportConformanceSetup =
  | TransportConformanceOptions
  | (() => Promise<TransportConformanceOptions> | TransportConformanceOptions);
