import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** What a first visit may download, gzip-compressed, at most. */
export const FIRST_LOAD_TARGET_BYTES = 150 * 1024;

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * Prints the gzip-compressed size of every JS and CSS file the build wrote, and their total against
 * the first-load target. The console has no lazily loaded chunk, so the total is the first load.
 */
export function firstLoadSize(): Plugin {
  return {
    name: 'xport-first-load-size',
    apply: 'build',
    writeBundle(_options, bundle) {
      let total = 0;
      const lines: string[] = [];
      for (const file of Object.values(bundle)) {
        if (!/\.(js|css)$/.test(file.fileName)) continue;
        const source = file.type === 'chunk' ? file.code : file.source;
        const size = gzipSync(source, { level: 9 }).length;
        total += size;
        lines.push(`  ${file.fileName}: ${kib(size)}`);
      }
      const verdict = total <= FIRST_LOAD_TARGET_BYTES ? 'within' : 'OVER';
      console.log(`console first load (JS+CSS, gzip): ${kib(total)}, ${verdict} the ${kib(FIRST_LOAD_TARGET_BYTES)} target\n${lines.join('\n')}`);
    },
  };
}
