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
    for (const value of this.ordered) {
      if (out.includes(value)) out = out.split(value).join(MASK);
      // A JSON line carries the value escaped (quotes, backslashes, control characters).
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value && out.includes(escaped)) out = out.split(escaped).join(MASK);
    }
    return out;
  }

  /** Masks secrets in strings inside plain objects and arrays (a copy; other objects are kept as they are). */
  redactDeep(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (depth > 16 || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((item) => this.redactDeep(item, depth + 1));
    if (value instanceof Error) return { name: value.name, message: this.redact(value.message), code: (value as { code?: unknown }).code };
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactDeep(v, depth + 1)]));
  }
}
