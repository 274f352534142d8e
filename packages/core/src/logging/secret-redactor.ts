import { SecretMasker } from '@xport/provider-sdk';

const MASK = '[redacted]';

/**
 * Knows every secret value the kernel has loaded and masks it wherever it appears in text —
 * inside a message, a field, a serialized error or a stack — in every form the SDK's
 * `SecretMasker` knows (as is, URL-encoded, JSON-escaped, base64 alone or inside a longer blob).
 * Values are never forgotten, so a rotated-out password stays masked too.
 */
export class SecretRedactor {
  private readonly masker = new SecretMasker();

  add(value: string): void {
    this.masker.addSecret(value);
  }

  get size(): number {
    return this.masker.size;
  }

  redact(text: string): string {
    return this.masker.size === 0 ? text : this.masker.mask(text);
  }

  /** True when `text` holds a known secret in any form. */
  contains(text: string): boolean {
    return this.masker.contains(text);
  }

  /**
   * Masks secrets in a log record's fields (a copy; the value itself while no secret is known): in strings, in keys, inside plain objects and
   * arrays, in errors (message, code, details, cause) and inside any other object, which is replaced
   * by its redacted JSON form when — and only when — its serialization holds a secret.
   */
  redactDeep(value: unknown, depth = 0): unknown {
    // Nothing loaded, nothing to mask: no copy (this runs on every log call, at every level).
    if (this.masker.size === 0) return value;
    if (typeof value === 'string') return this.redact(value);
    if (depth > 16 || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((item) => this.redactDeep(item, depth + 1));
    if (value instanceof Error) {
      const error = value as Error & { code?: unknown; details?: unknown };
      return {
        name: this.redact(error.name),
        message: this.redact(error.message),
        ...(error.code !== undefined ? { code: this.redactDeep(error.code, depth + 1) } : {}),
        ...(error.details !== undefined ? { details: this.redactDeep(error.details, depth + 1) } : {}),
        ...(error.cause !== undefined ? { cause: this.redactDeep(error.cause, depth + 1) } : {}),
      };
    }
    if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.redactDeep(v, depth + 1)]));
    }
    return this.redactOther(value);
  }

  /** A class instance, Map, Buffer…: kept as it is unless its serialization holds a secret. */
  private redactOther(value: object): unknown {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      return value; // circular: a sink cannot serialize it either
    }
    if (json === undefined || !this.contains(json)) return value;
    try {
      return JSON.parse(this.redact(json)) as unknown;
    } catch {
      return MASK;
    }
  }
}
