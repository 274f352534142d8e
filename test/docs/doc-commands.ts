import { parse as parseShell, type ParseEntry } from 'shell-quote';
import { codeSpansOf, shellBlocksOf, type Page } from './user-pages.js';

// The commands the docs show, as the shell would split them: `xport …`, `pnpm xport …`,
// `npx -p @xport/cli xport …`, `node packages/cli/dist/bin.js …` and `pnpm <script>`.

export interface DocCommand {
  readonly page: string;
  /** A line of a ```sh block (meant to be run as written), or a `code span` in the prose. */
  readonly kind: 'block' | 'mention';
  /** The command as the page shows it. */
  readonly text: string;
  readonly words: readonly string[];
  /** A synopsis (`<mailbox>`, `[--limit N]`): its values are placeholders, not values. */
  readonly synopsis: boolean;
}

/** The simple commands of a shell line: split at `&&`, `||`, `;`, `|`, `&`; comments dropped. */
export function toSimpleCommands(line: string): string[][] {
  const commands: string[][] = [[]];
  // Variables stay as written ($HOME): the docs' commands are checked, not expanded.
  for (const entry of parseShell(line, (name) => `$${name}`) as ParseEntry[]) {
    if (typeof entry === 'string') commands[commands.length - 1]!.push(entry);
    else if ('op' in entry && entry.op !== 'glob') commands.push([]);
    else if ('comment' in entry) break;
    else if ('pattern' in entry) commands[commands.length - 1]!.push(entry.pattern);
  }
  return commands.map(withoutAssignments).filter((words) => words.length > 0);
}

/** `XPORT_SMTP__USERNAME=ada pnpm xport …` → `pnpm xport …`. */
function withoutAssignments(words: string[]): string[] {
  let first = 0;
  while (first < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[first]!)) first += 1;
  return words.slice(first);
}

/**
 * A synopsis as the CLI reference writes it, made into a command line that parses:
 * `xport inbox <mailbox> [--json] [--limit N]` → `xport inbox mailbox --json --limit N`;
 * `[options]` (every option of the command) is dropped.
 */
const isSynopsis = (text: string): boolean => /[[<]|\.\.\./.test(text);

function fromSynopsis(text: string): string {
  if (!isSynopsis(text)) return text;
  return text
    .replace(/\[options\]/g, '')
    .replace(/<([^<>]+)>/g, (_, name: string) => name.replace(/\.\.\.$/, ''))
    .replace(/\.\.\./g, '')
    .replace(/[[\]]/g, '');
}

/** The words after `xport` when `words` runs the xport CLI, else undefined. */
export function xportArguments(words: readonly string[]): string[] | undefined {
  const [first, second] = words;
  if (first === 'xport') return words.slice(1);
  if (first === 'pnpm' && second === 'xport') return words.slice(2);
  if (first === 'npx' && words.includes('xport')) return words.slice(words.indexOf('xport') + 1);
  if (first === 'node' && second?.endsWith('cli/dist/bin.js')) return words.slice(2);
  return undefined;
}

/** Every command a page shows: each line of its shell blocks, and each code span that starts one. */
export function commandsOf(page: Page): DocCommand[] {
  const found: DocCommand[] = [];
  for (const block of shellBlocksOf(page)) {
    for (const line of block.replace(/\\\n/g, ' ').split('\n')) {
      for (const words of toSimpleCommands(line)) found.push({ page: page.name, kind: 'block', text: line.trim(), words, synopsis: false });
    }
  }
  for (const span of codeSpansOf(page)) {
    if (!/^(xport|pnpm|npx|node)\s/.test(span)) continue;
    for (const words of toSimpleCommands(fromSynopsis(span))) found.push({ page: page.name, kind: 'mention', text: span, words, synopsis: isSynopsis(span) });
  }
  return found;
}
