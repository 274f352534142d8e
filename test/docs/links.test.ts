import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, linksOf, readPage, REPO, userPages, type Page } from './user-pages.js';

// Every link between the docs leads somewhere: a relative link to a file or folder of the
// repository that exists, and an #anchor to a heading that the target page (or this one) has.
// The docs must stand alone, so nothing may point outside the repository either.

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i; // https:, mailto:, …

/** Why a link of `page` leads nowhere, or undefined when it resolves. */
function brokenLink(page: Page, href: string, anchorsOfPage: (name: string) => Set<string>): string | undefined {
  if (EXTERNAL.test(href)) return undefined;
  const [target = '', anchor] = href.split('#', 2);
  const file = target === '' ? page.path : join(dirname(page.path), decodeURIComponent(target));
  const name = relative(REPO, file);
  if (name.startsWith('..')) return `${href} leads outside the repository`;
  if (!existsSync(file)) return `${href}: ${name} does not exist`;
  if (anchor === undefined) return undefined;
  if (!statSync(file).isFile() || !name.endsWith('.md')) return `${href}: an anchor into ${name}, which is not a Markdown page`;
  return anchorsOfPage(name).has(anchor) ? undefined : `${href}: ${name} has no heading with the anchor #${anchor}`;
}

describe('links between the docs', () => {
  it('every relative link and #anchor in the README, CHANGELOG, docs and package READMEs resolves', () => {
    const pages = userPages();
    expect(pages.map((p) => p.name)).toEqual(expect.arrayContaining(['README.md', 'CHANGELOG.md', 'docs/cli.md', 'packages/provider-smtp/README.md']));
    const anchors = new Map<string, Set<string>>();
    const anchorsOfPage = (name: string): Set<string> => {
      let found = anchors.get(name);
      if (found === undefined) anchors.set(name, (found = anchorsOf(readPage(name))));
      return found;
    };
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages) {
      for (const href of linksOf(page)) {
        checked += EXTERNAL.test(href) ? 0 : 1;
        const why = brokenLink(page, href, anchorsOfPage);
        if (why !== undefined) broken.push(`${page.name}: ${why}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });

  it('names no file the repository does not have (docs/CONCEPTS.md, shared notes)', () => {
    // Plain-text mentions of a Markdown file are promises too: each must exist in the repository.
    const missing: string[] = [];
    for (const page of userPages()) {
      const text = page.tokens.map((t) => t.raw).join('');
      for (const [mention] of text.matchAll(/\b[A-Z][A-Z_]+\.md\b/g)) {
        if (!['README.md', 'CHANGELOG.md'].includes(mention) && !existsSync(join(REPO, mention)) && !existsSync(join(REPO, 'docs', mention))) {
          missing.push(`${page.name}: ${mention}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
