/** The text forms in which a secret value must never appear. */
export function secretForms(value: string): string[] {
  return [value, Buffer.from(value, 'utf8').toString('base64'), encodeURIComponent(value)];
}

/** The first secret form found in `text`, named by credential (never the value itself). */
export function findSecret(text: string, secrets: Readonly<Record<string, string>>): string | undefined {
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < 8) continue; // short values (a user name like "ada") match ordinary words
    if (secretForms(value).some((form) => text.includes(form))) return name;
  }
  return undefined;
}

/** Good and bad credentials together, the bad ones named `bad <name>`: everything a suite looks for. */
export function credentialsToSearch(credentials: Readonly<Record<string, string>> = {}, badCredentials: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...Object.fromEntries(Object.entries(badCredentials).map(([k, v]) => [`bad ${k}`, v])), ...credentials };
}

/** Everything an error shows: message, fields, stack and cause. */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return [error.message, JSON.stringify(error), String(error.stack), String(error.cause)].join('\n');
}
