import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where an endpoint has got to in the event log: the id of the last event it acknowledged (or that
 * its filter skipped). Kept in a small file per endpoint (`<dir>/<id>.json`), not in the store: it is
 * this daemon's progress, like its status file, and needs no change to the store contract or a
 * migration in each store.
 */
export interface EndpointCursor {
  /** The saved position; undefined when there is no file yet (a new endpoint), `{ unreadable }` when one is there but cannot be read. */
  load(): Promise<{ readonly after: number } | { readonly unreadable: string } | undefined>;
  /** Records a new position; written soon, writes asked for while one runs folded into one more. */
  advance(after: number): void;
  /** Waits until the last position asked for is on disk (a failed write is reported, and tried again at the next advance). */
  flush(): Promise<void>;
}

const OWNER_ONLY = 0o600;
const PRIVATE_DIR = 0o700;

/**
 * Writes atomically and durably: a temporary file, fsync, then a rename over the old one, so a
 * crash leaves the old position or the new one, never half a file. A lost write only ever makes
 * the endpoint go back (events sent again), never forward past an event it did not acknowledge.
 *
 * @example
 * const cursor = createCursorFile('/srv/app/.xport/webhooks', 'orders', (e) => logger.warn(String(e)));
 * cursor.advance(42);
 * await cursor.flush();
 */
export function createCursorFile(dir: string, endpointId: string, onWriteFailed: (error: unknown) => void): EndpointCursor {
  const path = join(dir, `${endpointId}.json`);
  let wanted: number | undefined;
  let written: number | undefined;
  let writing: Promise<void> | undefined;

  const write = async (after: number): Promise<void> => {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      const handle = await open(temporary, 'w', OWNER_ONLY);
      try {
        await handle.writeFile(JSON.stringify({ after }));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
      written = after;
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
  };

  const drain = (): Promise<void> => {
    writing ??= (async () => {
      while (wanted !== undefined && wanted !== written) {
        const after = wanted;
        try {
          await write(after);
        } catch (error) {
          onWriteFailed(error);
          return;
        }
      }
    })().finally(() => {
      writing = undefined;
    });
    return writing;
  };

  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        return { unreadable: (error as Error).message };
      }
      try {
        const after = (JSON.parse(text) as { after?: unknown }).after;
        if (typeof after === 'number' && Number.isSafeInteger(after) && after >= 0) {
          written = after;
          return { after };
        }
        return { unreadable: `${path} holds no cursor` };
      } catch (error) {
        return { unreadable: `${path} is not JSON (${(error as Error).message})` };
      }
    },
    advance(after) {
      wanted = after;
      void drain();
    },
    async flush() {
      await writing;
      await drain();
    },
  };
}
