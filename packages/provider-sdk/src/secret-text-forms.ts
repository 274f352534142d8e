// The exact text forms of a secret that common encoders write. Searched for in the text as it is,
// next to the decoded readings of `secret-text-views.ts`: decoding is greedy, so a stray `%` or
// backslash right before an encoded secret ("100%" then "%20...") can make a reading swallow the
// secret's first escape; the exact forms do not depend on what precedes them.

function withLowerHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}

function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * `value` as is, URL-encoded (`encodeURIComponent` and form encoding, either hex case) and
 * JSON-escaped once and twice.
 *
 * @example
 * toTextForms('a b') // ['a b', 'a%20b', 'a+b']
 */
export function toTextForms(value: string): string[] {
  const forms = [value, jsonEscaped(value), jsonEscaped(jsonEscaped(value))];
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  forms.push(form, withLowerHex(form));
  try {
    const component = encodeURIComponent(value);
    forms.push(component, withLowerHex(component));
  } catch {
    // A lone surrogate has no URL encoding; no encoder writes one.
  }
  return [...new Set(forms)];
}
