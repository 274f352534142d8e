import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./child/submit-loop.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Starts the submit loop in a child Node process and collects the ids it prints. */
export function spawnSubmitter(dbPath: string, count = Infinity, inFlight = 16): { child: ChildProcess; ids: string[]; lines: (n: number) => Promise<void>; exited: Promise<number | null> } {
  if (!existsSync(BUILT)) throw new Error(`build @xport/store-sqlite first (missing ${BUILT})`);
  const child = spawn(process.execPath, [SCRIPT, dbPath, String(count), String(inFlight)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ids: string[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line !== '' && line !== 'done') ids.push(line);
    for (const w of waiters.filter((w) => ids.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  // 'close', not 'exit': it comes once the child's stdout has been read to the end, so `ids` holds
  // every id the child printed (at 'exit' the last lines may still be in the pipe).
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const lines = (n: number): Promise<void> =>
    ids.length >= n
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.push({ n, resolve });
          void exited.then(() => (ids.length >= n ? resolve() : reject(new Error(`child exited after ${ids.length} of ${n} ids`))));
        });
  return { child, ids, lines, exited };
}
