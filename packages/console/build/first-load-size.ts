import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** What a first visit may download, gzip-compressed, at most. */
export const FIRST_LOAD_TARGET_BYTES = 150 * 1024;

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

type Bundle = Parameters<NonNullable<Extract<Plugin['writeBundle'], (...args: never[]) => unknown>>>[1];
type Output = Bundle[string];

/** The JS and CSS files a first visit loads: the entry chunks, what they import statically, and their stylesheets. */
function firstLoadFiles(bundle: Bundle): Set<string> {
  const first = new Set<string>();
  const visit = (fileName: string): void => {
    const file = bundle[fileName];
    if (file === undefined || first.has(fileName)) return;
    first.add(fileName);
    if (file.type !== 'chunk') return;
    for (const css of (file as { viteMetadata?: { importedCss?: Set<string> } }).viteMetadata?.importedCss ?? []) first.add(css);
    for (const imported of file.imports) visit(imported);
  };
  for (const file of Object.values(bundle)) if (file.type === 'chunk' && file.isEntry) visit(file.fileName);
  return first;
}

const sizeOf = (file: Output): number => gzipSync(file.type === 'chunk' ? file.code : file.source, { level: 9 }).length;

/**
 * Prints the gzip-compressed size of every JS and CSS file the build wrote, and the total of those a
 * first visit loads against the target. Chunks loaded later (import() of a page's part, like the
 * overview's chart) are printed apart: they are not part of the first load.
 */
export function firstLoadSize(): Plugin {
  return {
    name: 'xport-first-load-size',
    apply: 'build',
    writeBundle(_options, bundle) {
      const first = firstLoadFiles(bundle);
      let total = 0;
      const now: string[] = [];
      const later: string[] = [];
      for (const file of Object.values(bundle)) {
        if (!/\.(js|css)$/.test(file.fileName)) continue;
        const size = sizeOf(file);
        if (first.has(file.fileName)) {
          total += size;
          now.push(`  ${file.fileName}: ${kib(size)}`);
        } else {
          later.push(`  ${file.fileName}: ${kib(size)}`);
        }
      }
      const verdict = total <= FIRST_LOAD_TARGET_BYTES ? 'within' : 'OVER';
      const rest = later.length === 0 ? '' : `\nloaded later, when a page needs them (gzip):\n${later.join('\n')}`;
      console.log(`console first load (JS+CSS, gzip): ${kib(total)}, ${verdict} the ${kib(FIRST_LOAD_TARGET_BYTES)} target\n${now.join('\n')}${rest}`);
    },
  };
}
