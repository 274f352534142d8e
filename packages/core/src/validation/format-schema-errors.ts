import type { ErrorObject } from 'ajv';

/** Reads the value at a JSON pointer (`/addressTypes/0`) in `data`, for the "(got ...)" part of a message. */
function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function describe(error: ErrorObject): { path: string; text: string; showValue: boolean } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: `${error.instancePath}/${String(params.missingProperty)}`, text: 'is required', showValue: false };
    case 'additionalProperties':
      return { path: `${error.instancePath}/${String(params.additionalProperty)}`, text: 'is not an allowed field', showValue: false };
    case 'pattern':
      // Under propertyNames the rule is about a key: name the key and the pattern it misses.
      if (error.propertyName !== undefined) return { path: `${error.instancePath}/${error.propertyName}`, text: `is not an allowed name: it must match ${String(params.pattern)}`, showValue: false };
      return { path: error.instancePath, text: `must match ${String(params.pattern)}`, showValue: true };
    case 'type':
      return { path: error.instancePath, text: `must be of type ${String(params.type)}`, showValue: true };
    case 'enum':
      return { path: error.instancePath, text: `must be one of ${(params.allowedValues as unknown[]).map(shown).join(', ')}`, showValue: true };
    case 'const':
      return { path: error.instancePath, text: `must be ${shown(params.allowedValue)}`, showValue: true };
    case 'format':
      return { path: error.instancePath, text: `must be a valid ${String(params.format)}`, showValue: true };
    case 'false schema':
      return { path: error.instancePath, text: 'is not allowed here', showValue: false };
    default:
      return { path: error.instancePath, text: error.message ?? `fails ${error.keyword}`, showValue: true };
  }
}

/**
 * Turns ajv errors into sentences that name the field, the rule and the value found, e.g.
 * `manifest field /addressTypes/0 must match ^[A-Za-z0-9._-]+$ (got "FAX TYPE")`.
 * `if`/`then` and `propertyNames` wrapper errors are dropped: the inner error already says what is wrong.
 */
export function formatSchemaErrors(errors: readonly ErrorObject[] | null | undefined, data: unknown, what: string): string[] {
  const lines: string[] = [];
  for (const error of errors ?? []) {
    if (error.keyword === 'if') continue;
    // The wrapper only says "a key is wrong"; the error under it names the key and the rule.
    if (error.keyword === 'propertyNames') continue;
    const { path, text, showValue } = describe(error);
    const value = showValue ? valueAt(data, error.instancePath) : undefined;
    const got = showValue && value !== undefined ? ` (got ${shown(value)})` : '';
    lines.push(`${what} ${path === '' ? '/' : path} ${text}${got}`);
  }
  return [...new Set(lines)];
}
