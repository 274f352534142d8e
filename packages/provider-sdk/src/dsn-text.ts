// The text rules shared by the report parts the SDK writes and reads: RFC 5322 dates, US-ASCII
// field values, folding and unfolding of header-style fields.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LINE = 78;
// A field value longer than this is cut: a report field is read by people and parsers, not archived.
const MAX_VALUE = 990;

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * An RFC 5322 date-time in UTC, as DSN date fields and headers write it.
 *
 * @example
 * toDsnDate(Date.UTC(2025, 0, 1)) // 'Wed, 01 Jan 2025 00:00:00 +0000'
 */
export function toDsnDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/**
 * A value fit for a US-ASCII field: controls (CR, LF, tab...) become spaces, runs of spaces one, and
 * any other character its RFC 6533 escape `\x{HEX}`, so nothing is lost and nothing breaks the part.
 */
export function toDsnText(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) out += ' ';
    else if (code > 0x7e) out += `\\x{${code.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  out = out.replace(/ {2,}/g, ' ').trim();
  return out.length > MAX_VALUE ? `${out.slice(0, MAX_VALUE - 3)}...` : out;
}

/** `Name: value`, folded at spaces so no line passes 78 characters where the value allows it (RFC 5322 §2.2.3). */
export function foldField(name: string, value: string): string {
  const line = `${name}: ${value}`;
  if (line.length <= LINE) return line;
  const words = line.split(' ');
  const lines: string[] = [];
  let current = words[0]!;
  for (const word of words.slice(1)) {
    if (current.length + 1 + word.length > LINE && current.trim() !== '') {
      lines.push(current);
      current = ` ${word}`;
    } else current += ` ${word}`;
  }
  lines.push(current);
  return lines.join('\r\n');
}

/**
 * Header-style blocks (separated by blank lines) as maps of lowercase field name to unfolded value;
 * the first occurrence of a name in a block wins. Lines that are not `name: value` are skipped.
 */
export function unfoldFields(text: string): Array<Map<string, string>> {
  const blocks: Array<Map<string, string>> = [];
  let block: Map<string, string> | undefined;
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      block = undefined;
      last = undefined;
      continue;
    }
    if (/^[ \t]/.test(line)) {
      if (block !== undefined && last !== undefined && block.get(last) !== undefined) block.set(last, `${block.get(last)!} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (block === undefined) blocks.push((block = new Map()));
    const name = line.slice(0, colon).trim().toLowerCase();
    if (block.has(name)) {
      // Continuation lines of a repeated field belong to the copy that is dropped.
      last = undefined;
      continue;
    }
    block.set(name, line.slice(colon + 1).trim());
    last = name;
  }
  return blocks;
}
