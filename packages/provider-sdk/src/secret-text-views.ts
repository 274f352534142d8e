// Decoded readings of a text, so a secret a peer echoed URL-encoded or JSON-escaped is found by a
// plain search for its value. Every unit of a view remembers the span of the original text it was
// decoded from, so what is found in a view is masked in the original. Decoding is tolerant: what
// is not a valid escape stays as it is, so mixed and partial encodings still decode. A reading is
// made only when the text holds an escape that decodes to a character some secret contains: most
// log lines need none.

/** A run of a view starting at unit `at`, read from source units `from` to `to`, copied as they were or decoded. */
interface Segment {
  readonly at: number;
  readonly from: number;
  readonly to: number;
  readonly copied: boolean;
}

/** A reading of a text: the original (no `source`), or a decoding of another reading. */
export interface TextView {
  readonly text: string;
  readonly source?: TextView;
  readonly segments?: readonly Segment[];
}

/** Which decoded characters matter: those that occur in a secret (or in its base64 forms). */
export type IsRelevant = (decoded: string) => boolean;

function segmentAt(segments: readonly Segment[], unit: number): Segment {
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((segments[middle] as Segment).at <= unit) low = middle;
    else high = middle - 1;
  }
  return segments[low] as Segment;
}

/**
 * The span of the original text that view units `start` to `end` (exclusive) came from. Mapped
 * only for what is found, which is rare, so building a view stays cheap.
 */
export function toOriginalSpan(view: TextView, start: number, end: number): [number, number] {
  if (view.source === undefined || view.segments === undefined) return [start, end];
  const first = segmentAt(view.segments, start);
  const last = segmentAt(view.segments, end - 1);
  const from = first.copied ? first.from + (start - first.at) : first.from;
  const to = last.copied ? last.from + (end - last.at) : last.to;
  return toOriginalSpan(view.source, from, to);
}

/** Collects a view: runs copied from the source as they are, and decoded escapes. */
class ViewBuilder {
  private readonly chunks: string[] = [];
  private readonly segments: Segment[] = [];
  private length = 0;

  constructor(private readonly source: TextView) {}

  /** Source units `from` to `to`, unchanged. */
  copy(from: number, to: number): void {
    if (to > from) this.add(this.source.text.slice(from, to), from, to, true);
  }

  /** `decoded`, read from source units `from` to `to`. */
  push(decoded: string, from: number, to: number): void {
    this.add(decoded, from, to, false);
  }

  private add(text: string, from: number, to: number, copied: boolean): void {
    this.chunks.push(text);
    this.segments.push({ at: this.length, from, to, copied });
    this.length += text.length;
  }

  build(): TextView {
    return { text: this.chunks.join(''), source: this.source, segments: this.segments };
  }
}

function hexAt(text: string, at: number, digits: number): number | undefined {
  if (at + digits > text.length) return undefined;
  let value = 0;
  for (let i = at; i < at + digits; i++) {
    const digit = parseInt(text[i] as string, 16);
    if (Number.isNaN(digit)) return undefined;
    value = value * 16 + digit;
  }
  return value;
}

function percentByte(text: string, at: number): number | undefined {
  return text[at] === '%' ? hexAt(text, at + 1, 2) : undefined;
}

/** The UTF-8 sequence of %XX escapes at `at`: the character and where it ends, or undefined. */
function percentChar(text: string, at: number): { char: string; end: number } | undefined {
  const lead = percentByte(text, at);
  if (lead === undefined) return undefined;
  const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
  if (length === 0) return undefined;
  let codePoint = length === 1 ? lead : lead & (0x7f >> length);
  let end = at + 3;
  for (let k = 1; k < length; k++) {
    const next = percentByte(text, end);
    if (next === undefined || (next & 0xc0) !== 0x80) return undefined;
    codePoint = (codePoint << 6) | (next & 0x3f);
    end += 3;
  }
  return codePoint > 0x10ffff ? undefined : { char: String.fromCodePoint(codePoint), end };
}

/** True when `text` holds a %XX escape (or, with `plusIsSpace`, a `+`) that decodes to a relevant character. */
function hasRelevantPercent(text: string, plusIsSpace: boolean, isRelevant: IsRelevant): boolean {
  if (plusIsSpace && text.includes('+') && isRelevant(' ')) return true;
  for (let at = text.indexOf('%'); at >= 0; at = text.indexOf('%', at + 1)) {
    const escaped = percentChar(text, at);
    if (escaped !== undefined && isRelevant(escaped.char)) return true;
  }
  return false;
}

/**
 * `view` with %XX escapes (UTF-8, either hex case) decoded, and with `+` read as a space when
 * `plusIsSpace` (form encoding).
 *
 * @example
 * toPercentDecoded({ text: 'a%20b' }).text // 'a b'
 */
export function toPercentDecoded(view: TextView, plusIsSpace = false): TextView {
  const text = view.text;
  const builder = new ViewBuilder(view);
  const special = plusIsSpace ? /[%+]/g : /%/g;
  let copied = 0;
  for (let match = special.exec(text); match !== null; match = special.exec(text)) {
    const at = match.index;
    if (text[at] === '+') {
      builder.copy(copied, at);
      builder.push(' ', at, at + 1);
      copied = at + 1;
      continue;
    }
    const escaped = percentChar(text, at);
    if (escaped === undefined) continue;
    builder.copy(copied, at);
    builder.push(escaped.char, at, escaped.end);
    copied = escaped.end;
    special.lastIndex = escaped.end;
  }
  builder.copy(copied, text.length);
  return builder.build();
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The JSON escape at `at` (a backslash): the unit it stands for and its length, or undefined. */
function jsonEscapeAt(text: string, at: number): { char: string; length: number } | undefined {
  const next = text[at + 1];
  if (next === undefined) return undefined;
  if (Object.hasOwn(JSON_ESCAPES, next)) return { char: JSON_ESCAPES[next] as string, length: 2 };
  const unit = next === 'u' ? hexAt(text, at + 2, 4) : undefined;
  return unit === undefined ? undefined : { char: String.fromCharCode(unit), length: 6 };
}

/** True when `text` holds a JSON escape that decodes to a relevant character. */
function hasRelevantJsonEscape(text: string, isRelevant: IsRelevant): boolean {
  for (let at = text.indexOf('\\'); at >= 0; ) {
    const escaped = jsonEscapeAt(text, at);
    if (escaped !== undefined && isRelevant(escaped.char)) return true;
    at = text.indexOf('\\', at + (escaped?.length ?? 1));
  }
  return false;
}

/**
 * `view` with JSON string escapes decoded once (`\"`, `\\`, `\/`, `\n`…, `\uXXXX` in either case).
 *
 * @example
 * toJsonUnescaped({ text: 'a\\"b' }).text // 'a"b'
 */
export function toJsonUnescaped(view: TextView): TextView {
  const text = view.text;
  const builder = new ViewBuilder(view);
  let copied = 0;
  for (let at = text.indexOf('\\'); at >= 0; ) {
    const escaped = jsonEscapeAt(text, at);
    if (escaped === undefined) {
      at = text.indexOf('\\', at + 1);
      continue;
    }
    builder.copy(copied, at);
    builder.push(escaped.char, at, at + escaped.length);
    copied = at + escaped.length;
    at = text.indexOf('\\', copied);
  }
  builder.copy(copied, text.length);
  return builder.build();
}

/**
 * Every reading of `text` a secret is searched in: as is; percent-decoded; form-decoded;
 * JSON-unescaped once and twice (a JSON echo inside a JSON log line); percent-decoded after
 * JSON-unescaping. Each only when it would decode a character that `isRelevant`.
 */
export function toTextViews(text: string, isRelevant: IsRelevant): TextView[] {
  const original: TextView = { text };
  const views = [original];
  if (hasRelevantPercent(text, false, isRelevant)) views.push(toPercentDecoded(original));
  if (hasRelevantPercent(text, true, isRelevant) && text.includes('+')) views.push(toPercentDecoded(original, true));
  if (hasRelevantJsonEscape(text, isRelevant)) {
    const json = toJsonUnescaped(original);
    views.push(json);
    if (hasRelevantJsonEscape(json.text, isRelevant)) views.push(toJsonUnescaped(json));
    if (hasRelevantPercent(json.text, false, isRelevant)) views.push(toPercentDecoded(json));
  }
  return views;
}
