import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createSqliteStore } from '../src/index.js';
import { recordingLogger } from './recording-logger.js';
import { makeTempDir } from './temp-store.js';

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(3, '0');

describe('sqlite store file modes', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let umask: number;
  beforeEach(async () => {
    temp = await makeTempDir();
    // The usual umask, under which files come out 0644 and directories 0755 unless asked otherwise.
    umask = process.umask(0o022);
  });
  afterEach(async () => {
    process.umask(umask);
    await temp.cleanup();
  });

  it('creates the directories it needs 0700 and the database, -wal and -shm files 0600 under umask 022', async () => {
    const path = join(temp.dir, 'app', '.xport', 'store.db');
    const store = createSqliteStore({ path });
    await store.open();
    try {
      await store.submit(makeSubmitRequest());
      expect(modeOf(join(temp.dir, 'app'))).toBe('700');
      expect(modeOf(join(temp.dir, 'app', '.xport'))).toBe('700');
      expect([modeOf(path), modeOf(`${path}-wal`), modeOf(`${path}-shm`)]).toEqual(['600', '600', '600']);
    } finally {
      await store.close();
    }
  });

  it('takes group and other bits off store files an older version left 0644, says so, and leaves an existing directory as it is', async () => {
    const dir = join(temp.dir, 'shared');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const path = join(dir, 'store.db');
    const first = createSqliteStore({ path });
    await first.open();
    await first.close();
    writeFileSync(`${path}-shm`, '');
    for (const file of [path, `${path}-shm`]) chmodSync(file, 0o644);
    const logger = recordingLogger();
    const store = createSqliteStore({ path, logger });
    await store.open();
    try {
      expect([modeOf(path), modeOf(`${path}-wal`), modeOf(`${path}-shm`)]).toEqual(['600', '600', '600']);
      expect(modeOf(dir)).toBe('755');
      expect(logger.lines.filter((l) => l.level === 'warn' && l.message.includes('was readable by group or others; it is now 0600'))).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
});
