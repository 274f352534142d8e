import { XportError } from '@xport/provider-sdk';

/**
 * Run-time switches of one loopback transport instance, for fault injection in tests. Each instance
 * has its own: two kernels in one process (or two loopback providers in one kernel) never share one.
 */
export interface LoopbackControl {
  /** Overrides the `offline` config: true = unavailable, false = available, undefined = as configured. */
  setOffline(offline: boolean | undefined): void;
  readonly offlineOverride: boolean | undefined;
  /** Recipients handed to this transport so far (every attempt counts). */
  readonly handedOver: number;
}

/** The transport's own side of its control. */
export interface LoopbackControlState extends LoopbackControl {
  /** Counts a hand-over of `recipients`; returns the ordinal of its first recipient (1-based). */
  countHandOver(recipients: number): number;
}

// Where a transport carries its control. In the global symbol registry, so a test holding this
// package's source copy reads the control of an instance the kernel loaded from dist/ (another copy).
const CONTROL = Symbol.for('xport.provider-loopback.control');

export function createLoopbackControl(): LoopbackControlState {
  let offlineOverride: boolean | undefined;
  let handedOver = 0;
  return {
    setOffline(offline) {
      offlineOverride = offline;
    },
    get offlineOverride() {
      return offlineOverride;
    },
    get handedOver() {
      return handedOver;
    },
    countHandOver(recipients) {
      const first = handedOver + 1;
      handedOver += recipients;
      return first;
    },
  };
}

/** Gives `transport` its control, where {@link loopbackControl} finds it (not enumerable: no one copies it by accident). */
export function attachLoopbackControl<T extends object>(transport: T, control: LoopbackControl): T {
  Object.defineProperty(transport, CONTROL, { value: control, enumerable: false });
  return transport;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)} (it takes the transport itself now, not a provider id)`;
  if (value === undefined) return 'undefined (no transport with that id is loaded)';
  if (value === null) return 'null';
  return `${typeof value === 'object' ? 'an object' : `a ${typeof value}`} that is not a loopback transport`;
}

/**
 * The run-time control of a loopback transport: the instance `kernel.transport(id)` returns, or one
 * made with `createLoopbackTransport`.
 *
 * @example
 * const control = loopbackControl(kernel.transport('loopback'));
 * control.setOffline(true);      // its recipients now wait in the queue
 * control.setOffline(undefined); // back as configured; the kernel notices and flushes them
 */
export function loopbackControl(transport: unknown): LoopbackControl {
  const control = typeof transport === 'object' && transport !== null ? (transport as Record<symbol, unknown>)[CONTROL] : undefined;
  if (control === undefined) {
    throw new XportError('XPORT_PROVIDER_NOT_FOUND', `loopbackControl: expected a loopback transport (kernel.transport(id) of a loaded @xport/provider-loopback), got ${describeValue(transport)}`);
  }
  return control as LoopbackControl;
}
