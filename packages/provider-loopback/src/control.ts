/**
 * Run-time switches for a loopback transport instance, found by provider id. They live in the global
 * symbol registry, so a test holding this package's source copy reaches the instance the kernel
 * loaded from `dist/` (another module copy).
 */
export interface LoopbackControl {
  /** Overrides the `offline` config: true = unavailable, false = available, undefined = as configured. */
  setOffline(offline: boolean | undefined): void;
  readonly offlineOverride: boolean | undefined;
  /** Recipients handed to this transport so far (every attempt counts). */
  readonly handedOver: number;
  /** Called by the transport itself. */
  countHandOver(recipients: number): number;
}

const REGISTRY = Symbol.for('xport.provider-loopback.controls');

function registry(): Map<string, LoopbackControl> {
  const holder = globalThis as unknown as Record<symbol, Map<string, LoopbackControl> | undefined>;
  return (holder[REGISTRY] ??= new Map());
}

/**
 * The control of the loopback transport with this provider id (created on first use, so a test
 * may set it before the kernel starts the provider).
 *
 * @example
 * loopbackControl('loopback').setOffline(true);  // its recipients now wait in the queue
 * loopbackControl('loopback').setOffline(false); // back; the kernel notices and flushes them
 */
export function loopbackControl(providerId = 'loopback'): LoopbackControl {
  const controls = registry();
  let control = controls.get(providerId);
  if (!control) {
    let offlineOverride: boolean | undefined;
    let handedOver = 0;
    control = {
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
    controls.set(providerId, control);
  }
  return control;
}
