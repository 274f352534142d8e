const REDACTED = '[redacted]';
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const BRAND = Symbol.for('xport.Secret');
const values = new WeakMap<Secret, string>();

/**
 * A credential value that never prints itself: `String()`, `JSON.stringify` and `util.inspect`
 * all show `[redacted]`. Call `reveal()` at the one place the value is needed.
 *
 * @example
 * const password = new Secret('hunter2');
 * `${password}`          // '[redacted]'
 * password.reveal()      // 'hunter2'
 */
export class Secret {
  constructor(value: string) {
    values.set(this, value);
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  reveal(): string {
    return values.get(this) as string;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [INSPECT](): string {
    return `Secret(${REDACTED})`;
  }

  /** True for a Secret from any copy of the SDK. */
  static is(value: unknown): value is Secret {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
