import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeSpansOf, REPO, userPages, type Page } from './user-pages.js';

// The docs prove their guarantees by naming tests and sources (`test/e2e/cli-fail-fast.test.ts`,
// `src/relay-socket.ts`); a renamed or deleted file must not leave a page citing it.

const PACKAGE_DIRS = readdirSync(join(REPO, 'packages')).map((name) => join(REPO, 'packages', name));
const REPO_PATH = /^(?:[\w@.-]+\/)+[\w@.-]*$/; // a/b/c.ts, src/config/
const SOURCE_FILE = /^[\w.-]+\.(?:test\.ts|ts|mjs|py)$/; // a bare file name: inbound-limits.test.ts

/** Every file below `dir` (no node_modules, dist, dot-folders), by base name. */
function filesByName(dir: string, found = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist') continue;
    if (entry.isDirectory()) filesByName(join(dir, entry.name), found);
    else found.add(entry.name);
  }
  return found;
}

/** Where a path a page names may be: from the repository root, the page's folder, or a package (`src/…` of a package page). */
function exists(page: Page, path: string): boolean {
  const bases = [REPO, dirname(page.path), ...(path.startsWith('src/') || path.startsWith('test/') ? PACKAGE_DIRS : [])];
  return bases.some((base) => existsSync(join(base, path)));
}

describe('files the docs name', () => {
  it('every repository path and source or test file a page names exists', () => {
    const names = filesByName(REPO);
    const missing: string[] = [];
    let checked = 0;
    for (const page of userPages()) {
      for (const span of codeSpansOf(page)) {
        // Runtime paths (.xport/store.db, /dev/zero, ~/src) and patterns (<name>, *, …) are not files of the repository.
        if (/[<>*…~\s]|^[./]/.test(span) || /^[a-z]+:/.test(span)) continue;
        if (REPO_PATH.test(span) && /^(?:packages|test|examples|bench|docs|src)\//.test(span)) {
          checked += 1;
          if (!exists(page, span)) missing.push(`${page.name}: ${span}`);
        } else if (SOURCE_FILE.test(span) && !span.includes('/')) {
          checked += 1;
          if (!names.has(span)) missing.push(`${page.name}: ${span} (no such file anywhere in the repository)`);
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });
});
