// Decoded readings of a text, so a secret a peer echoed URL-encoded or JSON-escaped is found by a
// plain search for its value. Every unit of a view remembers the span of the original text it was
// decoded from, so what is found in a view is masked in the original. Decoding is tolerant: what
// is not a valid escape stays as it is, so mixed and partial encodings still decode.

/** A reading of a text; `starts`/`ends` map each UTF-16 unit back to the original (absent: the original itself). */
export interface TextView {
  readonly text: string;
  readonly starts?: readonly number[];
  readonly ends?: readonly number[];
}

/** The span of the original text that view units `start` to `end` (exclusive) came from. */
export function toOriginalSpan(view: TextView, start: number, end: number): [number, number] {
  if (view.starts === undefined || view.ends === undefined) return [start, end];
  return [view.starts[start] as number, view.ends[end - 1] as number];
}

/** Collects a view's units, each with the original span of the source units it decodes. */
class ViewBuilder {
  private readonly units: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(private readonly source: TextView) {}

  push(decoded: string, from: number, to: number): void {
    const [start, end] = toOriginalSpan(this.source, from, to);
    for (let i = 0; i < decoded.length; i++) {
      this.units.push(decoded[i] as string);
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  build(): TextView {
    return { text: this.units.join(''), starts: this.starts, ends: this.ends };
  }
}

function percentByte(text: string, at: number): number | undefined {
  if (text[at] !== '%') return undefined;
  const hex = text.slice(at + 1, at + 3);
  return /^[0-9A-Fa-f]{2}$/.test(hex) ? parseInt(hex, 16) : undefined;
}

/** The UTF-8 sequence of %XX escapes at `at`: its code point and where it ends, or undefined. */
function percentCodePoint(text: string, at: number): { codePoint: number; end: number } | undefined {
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
  return codePoint > 0x10ffff ? undefined : { codePoint, end };
}

/**
 * `view` with %XX escapes (UTF-8, either hex case) decoded, and with `+` read as a space when
 * `plusIsSpace` (form encoding). Undefined when there is nothing to decode.
 *
 * @example
 * toPercentDecoded({ text: 'a%20b' })?.text // 'a b'
 */
export function toPercentDecoded(view: TextView, plusIsSpace = false): TextView | undefined {
  const text = view.text;
  if (!text.includes('%') && !(plusIsSpace && text.includes('+'))) return undefined;
  const builder = new ViewBuilder(view);
  for (let i = 0; i < text.length; ) {
    const escaped = percentCodePoint(text, i);
    if (escaped !== undefined) {
      builder.push(String.fromCodePoint(escaped.codePoint), i, escaped.end);
      i = escaped.end;
    } else {
      builder.push(plusIsSpace && text[i] === '+' ? ' ' : (text[i] as string), i, i + 1);
      i += 1;
    }
  }
  return builder.build();
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * `view` with JSON string escapes decoded once (`\"`, `\\`, `\/`, `\n`…, `\uXXXX` in either
 * case). Undefined when there is nothing to decode.
 *
 * @example
 * toJsonUnescaped({ text: 'a\\"b' })?.text // 'a"b'
 */
export function toJsonUnescaped(view: TextView): TextView | undefined {
  const text = view.text;
  if (!text.includes('\\')) return undefined;
  const builder = new ViewBuilder(view);
  for (let i = 0; i < text.length; ) {
    const next = text[i + 1];
    if (text[i] === '\\' && next !== undefined) {
      if (Object.hasOwn(JSON_ESCAPES, next)) {
        builder.push(JSON_ESCAPES[next] as string, i, i + 2);
        i += 2;
        continue;
      }
      const hex = text.slice(i + 2, i + 6);
      if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(hex)) {
        builder.push(String.fromCharCode(parseInt(hex, 16)), i, i + 6);
        i += 6;
        continue;
      }
    }
    builder.push(text[i] as string, i, i + 1);
    i += 1;
  }
  return builder.build();
}

/**
 * Every reading of `text` a secret is searched in: as is; percent-decoded; form-decoded (when a
 * secret holds a space); JSON-unescaped once and twice (a JSON echo inside a JSON log line); and
 * percent-decoded after JSON-unescaping.
 */
export function toTextViews(text: string, formDecoding: boolean): TextView[] {
  const original: TextView = { text };
  const views = [original];
  const add = (view: TextView | undefined): TextView | undefined => {
    if (view !== undefined) views.push(view);
    return view;
  };
  add(toPercentDecoded(original));
  if (formDecoding) add(toPercentDecoded(original, true));
  const json = add(toJsonUnescaped(original));
  if (json !== undefined) {
    add(toJsonUnescaped(json));
    add(toPercentDecoded(json));
  }
  return views;
}
