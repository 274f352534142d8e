const MASK = '[redacted]';

/**
 * Knows every secret value the kernel has loaded and masks it wherever it appears in text —
 * inside a message, a field, a serialized error or a stack. Values are never forgotten, so a
 * rotated-out password stays masked too.
 */
export class SecretRedactor {
  private readonly values = new Set<string>();
  private ordered: string[] = [];

  add(value: string): void {
    if (value.length === 0 || this.values.has(value)) return;
    this.values.add(value);
    // Longest first, so a secret that contains another is masked whole.
    this.ordered = [...this.values].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.values.size;
  }

  redact(text: string): string {
    let out = text;
    if (this.ordered.length === 0) return out;
    for (const value of this.ordered) {
      if (out.includes(value)) out = out.split(value).join(MASK);
      // A JSON line carries the value escaped (quotes, backslashes, control characters).
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value && out.includes(escaped)) out = out.split(escaped).join(MASK);
    }
    return out;
  }

  /** True when `text` holds a known secret (as is or JSON-escaped). */
  contains(text: string): boolean {
    return this.redact(text) !== text;
  }

  /**
   * Masks secrets in a log record's fields (a copy; the value itself while no secret is known): in strings, in keys, inside plain objects and
   * arrays, in errors (message, code, details, cause) and inside any other object, which is replaced
   * by its redacted JSON form when — and only when — its serialization holds a secret.
   */
  redactDeep(value: unknown, depth = 0): unknown {
    // Nothing loaded, nothing to mask: no copy (this runs on every log call, at every level).
    if (this.ordered.length === 0) return value;
    if (typeof value === 'string') return this.redact(value);
    if (depth > 16 || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((item) => this.redactDeep(item, depth + 1));
    if (value instanceof Error) {
      const error = value as Error & { code?: unknown; details?: unknown };
      return {
        name: error.name,
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
