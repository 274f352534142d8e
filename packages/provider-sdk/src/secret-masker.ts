import { isBase64Digit, toBase64Cores, toStandaloneBase64, type Base64Core } from './secret-base64-forms.js';
import { toTextForms } from './secret-text-forms.js';
import { toOriginalSpan, toTextViews, type TextView } from './secret-text-views.js';

const MASK = '[redacted]';

/**
 * What a client sends a server for a user name and its password or token: SASL PLAIN without and
 * with an authorization identity (= the user), XOAUTH2, and HTTP Basic. Each is base64 on the wire.
 */
function toLogonPayloads(user: string, secret: string): string[] {
  return [`\0${user}\0${secret}`, `${user}\0${user}\0${secret}`, `user=${user}\x01auth=Bearer ${secret}\x01\x01`, `${user}:${secret}`];
}

type Span = [number, number];

function findAll(text: string, needle: string, found: (at: number) => void): void {
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) found(at);
}

/** Where a core found at `at` reaches once the digits sharing its bits, and any padding, are added. */
function toCoreSpan(text: string, at: number, core: Base64Core): Span {
  let start = at;
  let end = at + core.digits.length;
  if (core.sharedBefore && isBase64Digit(text[start - 1])) start -= 1;
  if (core.sharedAfter && isBase64Digit(text[end])) end += 1;
  for (let pad = 0; pad < 2 && text[end] === '='; pad++) end += 1;
  return [start, end];
}

/**
 * True when `text[start, end)` is the whole of an encoding: padding ends encoded data wherever it
 * stands; without it, no digit may touch either side.
 */
function standsAlone(text: string, start: number, end: number): boolean {
  if (text[end - 1] === '=') return true;
  return !isBase64Digit(text[start - 1]) && !isBase64Digit(text[end]) && text[end] !== '=';
}

function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const [start, end] of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/**
 * Masks secrets in text in every form a peer can echo them: as is; URL-encoded
 * (`encodeURIComponent`, form encoding, either hex case, partly escaped); JSON-escaped once or
 * twice (a JSON echo inside a JSON log line), `\uXXXX` escapes included; base64 on its own (a
 * LOGIN step) or embedded at any offset of a longer blob (values of 3 bytes or more), in either
 * alphabet; and for a logon pair it was told about, the SASL PLAIN (with and without authzid),
 * XOAUTH2 and HTTP Basic payloads whole. The one redaction rule of xport: the kernel's logger,
 * status table and daemon file and a provider's own errors all go through it.
 *
 * Text is decoded into readings (see `toTextViews`) and searched for plain strings, so masking is
 * linear in the text whatever the secrets hold.
 *
 * @example
 * const masker = new SecretMasker();
 * masker.addSecret('hunter2');
 * masker.addLogon('ada', 'hunter2');
 * masker.mask(`535 rejected ${Buffer.from('\0ada\0hunter2').toString('base64')}`) // '535 rejected [redacted]'
 */
export class SecretMasker {
  private readonly secrets = new Set<string>();
  private readonly logons = new Set<string>();
  // What is searched for: values (in every reading), their exact text forms (in the text as is),
  // their base64 cores and standalone encodings (in every reading).
  private readonly values: string[] = [];
  private readonly textForms: string[] = [];
  private readonly cores: Base64Core[] = [];
  private readonly standalone: string[] = [];
  // Characters of the values and of their base64 forms: only escapes that decode to one of them need decoding.
  private readonly relevant = new Set<string>();
  private readonly isRelevant = (decoded: string): boolean => {
    for (let i = 0; i < decoded.length; i++) if (this.relevant.has(decoded[i] as string)) return true;
    return false;
  };

  /** Masks `value` from now on, in every form. Empty values are ignored. */
  addSecret(value: string): void {
    if (value.length === 0 || this.secrets.has(value)) return;
    this.secrets.add(value);
    this.values.push(value);
    this.textForms.push(...toTextForms(value).filter((form) => form !== value));
    const bytes = Buffer.from(value, 'utf8');
    const cores = toBase64Cores(bytes);
    this.addCores(cores);
    // Too short for cores at every alignment: found in base64 only when it stands alone.
    if (cores.length < 3) {
      const encoded = toStandaloneBase64(bytes);
      this.standalone.push(...encoded);
      this.noteRelevant(encoded.join(''));
    }
    this.noteRelevant(value);
  }

  /** Masks the logon payloads built from `user` and `secret` whole, and `secret` itself (not the user name). */
  addLogon(user: string, secret: string): void {
    this.addSecret(secret);
    const key = JSON.stringify([user, secret]);
    if (secret.length === 0 || this.logons.has(key)) return;
    this.logons.add(key);
    for (const payload of toLogonPayloads(user, secret)) this.addCores(toBase64Cores(Buffer.from(payload, 'utf8')));
  }

  private addCores(cores: readonly Base64Core[]): void {
    this.cores.push(...cores);
    for (const core of cores) this.noteRelevant(core.digits);
  }

  private noteRelevant(text: string): void {
    for (let i = 0; i < text.length; i++) this.relevant.add(text[i] as string);
  }

  /** How many secret values are masked. */
  get size(): number {
    return this.secrets.size;
  }

  /** `text` with every form of every secret replaced by `[redacted]` (overlapping forms by one mask). */
  mask(text: string): string {
    if (this.secrets.size === 0) return text;
    const spans = mergeSpans(this.findSpans(text, false));
    if (spans.length === 0) return text;
    let out = '';
    let at = 0;
    for (const [start, end] of spans) {
      out += `${text.slice(at, start)}${MASK}`;
      at = end;
    }
    return out + text.slice(at);
  }

  /** True when `text` holds a secret in any form. */
  contains(text: string): boolean {
    return this.secrets.size > 0 && this.findSpans(text, true).length > 0;
  }

  /** Spans of the original text holding a secret; every occurrence, overlapping ones too. */
  private findSpans(text: string, firstOnly: boolean): Span[] {
    const spans: Span[] = [];
    for (const form of this.textForms) findAll(text, form, (at) => spans.push([at, at + form.length]));
    if (firstOnly && spans.length > 0) return spans;
    for (const view of toTextViews(text, this.isRelevant)) {
      this.searchView(view, (start, end) => spans.push(toOriginalSpan(view, start, end)));
      if (firstOnly && spans.length > 0) break;
    }
    return spans;
  }

  private searchView(view: TextView, found: (start: number, end: number) => void): void {
    const text = view.text;
    for (const value of this.values) findAll(text, value, (at) => found(at, at + value.length));
    for (const core of this.cores) findAll(text, core.digits, (at) => found(...toCoreSpan(text, at, core)));
    for (const encoded of this.standalone) {
      findAll(text, encoded, (at) => {
        if (standsAlone(text, at, at + encoded.length)) found(at, at + encoded.length);
      });
    }
  }
}
