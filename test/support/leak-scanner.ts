/** A secret value found in a piece of output, by name and by the form it was found in. */
export interface SecretLeak {
  readonly secret: string;
  readonly encoding: 'raw' | 'json-escaped' | 'url-encoded' | 'base64';
  /** The text around the leak, with the secret itself masked, for the failure message. */
  readonly excerpt: string;
}

export interface NamedSecret {
  readonly name: string;
  readonly value: string;
}

/**
 * The substrings of base64 output that always appear when `value` is base64-encoded inside a longer
 * string (SMTP AUTH PLAIN encodes `\0user\0password`): one per byte alignment of the value.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (let skip = 0; skip < 3; skip++) {
    const usable = Math.floor((bytes.length - skip) / 3) * 3;
    if (usable < 6) continue;
    forms.push(bytes.subarray(skip, skip + usable).toString('base64'));
  }
  return forms;
}

function formsOf(value: string): Array<{ encoding: SecretLeak['encoding']; text: string }> {
  const forms: Array<{ encoding: SecretLeak['encoding']; text: string }> = [{ encoding: 'raw', text: value }];
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) forms.push({ encoding: 'json-escaped', text: escaped });
  const url = encodeURIComponent(value);
  if (url !== value) forms.push({ encoding: 'url-encoded', text: url });
  for (const text of base64Forms(value)) forms.push({ encoding: 'base64', text });
  return forms;
}

/**
 * Finds every known secret in `text`: as is, JSON-escaped, URL-encoded or base64-encoded.
 *
 * @example
 * findSecretLeaks('password=hunter2!', [{ name: 'pw', value: 'hunter2!' }]) // [{ secret: 'pw', encoding: 'raw', ... }]
 */
export function findSecretLeaks(text: string, secrets: Iterable<NamedSecret>): SecretLeak[] {
  const all = [...secrets].filter((s) => s.value.length > 0).map((s) => ({ name: s.name, forms: formsOf(s.value) }));
  // The excerpt goes into a failure message: mask every form of every secret in it, not just the one found.
  const mask = (excerpt: string): string => all.reduce((out, s) => s.forms.reduce((o, f) => o.split(f.text).join(`<${s.name}>`), out), excerpt);
  const leaks: SecretLeak[] = [];
  for (const { name, forms } of all) {
    for (const form of forms) {
      const at = text.indexOf(form.text);
      if (at < 0) continue;
      leaks.push({ secret: name, encoding: form.encoding, excerpt: mask(text.slice(Math.max(0, at - 60), at + form.text.length + 60)) });
    }
  }
  return leaks;
}
