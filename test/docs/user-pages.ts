import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import { Lexer, walkTokens, type Token, type Tokens } from 'marked';

// The pages a user reads, parsed once with a real Markdown parser (marked, GitHub flavour), so the
// docs tests see code blocks, tables, links and headings as GitHub renders them — not as a regular
// expression guesses them.

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Page {
  /** Path from the repository root, e.g. `docs/cli.md`. */
  readonly name: string;
  readonly path: string;
  readonly tokens: Token[];
}

/** One table cell: its Markdown source and the contents of its code spans, in order. */
export interface Cell {
  readonly text: string;
  readonly codes: readonly string[];
}

export interface Table {
  readonly page: Page;
  /** Text of the nearest heading above the table. */
  readonly heading: string;
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
}

/** README.md, CHANGELOG.md, docs/*.md and the README of every package and example. */
export function userPages(): Page[] {
  const names = ['README.md', 'CHANGELOG.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  for (const folder of ['packages', 'examples']) {
    for (const entry of readdirSync(join(REPO, folder))) names.push(`${folder}/${entry}/README.md`);
  }
  return names.filter((name) => existsSync(join(REPO, name))).map(readPage);
}

export function readPage(name: string): Page {
  const path = join(REPO, name);
  return { name, path, tokens: new Lexer({ gfm: true }).lex(readFileSync(path, 'utf8')) };
}

/** The text a reader sees in inline tokens: code spans without their backticks, links by their text. */
export function plainText(tokens: readonly Token[] | undefined): string {
  let text = '';
  for (const token of tokens ?? []) {
    if ('tokens' in token && Array.isArray(token.tokens) && token.tokens.length > 0) text += plainText(token.tokens);
    else if (token.type === 'codespan' || token.type === 'text' || token.type === 'escape') text += (token as Tokens.Text).text;
    else if ('raw' in token) text += token.raw;
  }
  return text;
}

function codeSpans(tokens: readonly Token[]): string[] {
  const found: string[] = [];
  walkTokens(tokens as Token[], (token) => {
    if (token.type === 'codespan') found.push((token as Tokens.Codespan).text);
  });
  return found;
}

const toCell = (cell: Tokens.TableCell): Cell => ({ text: cell.text, codes: codeSpans(cell.tokens) });

/** Every table of a page, with the heading it stands under. */
export function tablesOf(page: Page): Table[] {
  const tables: Table[] = [];
  let heading = '';
  for (const token of page.tokens) {
    if (token.type === 'heading') heading = plainText((token as Tokens.Heading).tokens);
    if (token.type !== 'table') continue;
    const table = token as Tokens.Table;
    tables.push({ page, heading, header: table.header.map((cell) => plainText(cell.tokens).trim()), rows: table.rows.map((row) => row.map(toCell)) });
  }
  return tables;
}

/** The anchors GitHub gives the page's headings (`## Exit codes` → `exit-codes`). */
export function anchorsOf(page: Page): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  walkTokens(page.tokens, (token) => {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
  });
  return anchors;
}

/** Every link target of a page, as written. */
export function linksOf(page: Page): string[] {
  const links: string[] = [];
  walkTokens(page.tokens, (token) => {
    if (token.type === 'link' || token.type === 'image') links.push((token as Tokens.Link).href);
  });
  return links;
}

/** The code blocks of a page written for a shell (```sh, ```bash, ```shell). */
export function shellBlocksOf(page: Page): string[] {
  const blocks: string[] = [];
  walkTokens(page.tokens, (token) => {
    if (token.type === 'code' && ['sh', 'bash', 'shell'].includes((token as Tokens.Code).lang ?? '')) blocks.push((token as Tokens.Code).text);
  });
  return blocks;
}

/** The contents of every code span of a page, in order. */
export function codeSpansOf(page: Page): string[] {
  return codeSpans(page.tokens);
}

