import { fork } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { XportError, type MessageStore } from '@xport/provider-sdk';
import { makeReceiveRequest, makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createSqliteStore } from '../src/index.js';
import { CANNOT_CHATTR, CANNOT_MOUNT, describeIf, mountSmallDisk, setImmutable, type SmallDisk } from '../../../test/support/small-disk.js';
import { recordingLogger } from './recording-logger.js';
import { makeTempDir } from './temp-store.js';

const codeOf = (error: unknown): string => (XportError.is(error) ? error.code : String(error));
const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

function integrity(path: string): string {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

const body = (n: number, bytes: number): string => `${n} `.padEnd(bytes, 'x');

describeIf(CANNOT_MOUNT, 'sqlite store on a full filesystem (tmpfs)', () => {
  let disk: SmallDisk;
  let store: MessageStore | undefined;
  let path: string;
  beforeEach(() => {
    disk = mountSmallDisk(8 * 1024 * 1024);
    path = join(disk.dir, 'store.db');
  });
  afterEach(async () => {
    disk.free();
    await store?.close();
    store = undefined;
    disk.unmount();
  });

  it('refuses submits and inbox writes with XPORT_STORE_FULL naming ENOSPC, keeps what it accepted, and takes writes again once space returns', async () => {
    store = createSqliteStore({ path });
    await store.open();
    disk.fill(512 * 1024);
    const accepted: string[] = [];
    let refused: unknown;
    for (let n = 0; n < 1000 && refused === undefined; n++) {
      try {
        accepted.push((await store.submit(makeSubmitRequest({ text: body(n, 16 * 1024) }))).messageId);
      } catch (error) {
        refused = error;
      }
    }
    expect(accepted.length).toBeGreaterThan(0);
    expect(codeOf(refused)).toBe('XPORT_STORE_FULL');
    expect((refused as XportError).message).toMatch(/^sqlite store .*store\.db: cannot submit a message: .*ENOSPC.*nothing already accepted is lost$/);
    expect((refused as XportError).details).toMatchObject({ errno: 'ENOSPC' });
    expect(codeOf(await failure(store.receive(makeReceiveRequest({ text: body(0, 64 * 1024) }))))).toBe('XPORT_STORE_FULL');
    // Reads go on while full.
    expect((await store.listQueue({ limit: 10_000 })).map((m) => m.id)).toEqual(accepted);

    disk.free();
    const after = await store.submit(makeSubmitRequest({ text: body(1, 16 * 1024) }));
    expect(await store.receive(makeReceiveRequest({ text: 'room again' }))).toHaveLength(1);
    expect((await store.listQueue({ limit: 10_000 })).map((m) => m.id)).toEqual([...accepted, after.messageId]);
    await store.close();
    store = undefined;
    expect(integrity(path)).toBe('ok');
  });

  it('fails every job of a group commit whose COMMIT found no room, and the next batch on the same connection commits', async () => {
    store = createSqliteStore({ path });
    await store.open();
    disk.fill(64 * 1024);
    // One turn, one batch: about 320 KiB that has to reach the WAL at COMMIT.
    const refused = await Promise.allSettled(Array.from({ length: 40 }, (_, n) => store!.submit(makeSubmitRequest({ text: body(n, 8 * 1024) }))));
    expect(refused.map((r) => (r.status === 'rejected' ? codeOf(r.reason) : 'accepted'))).toEqual(Array(40).fill('XPORT_STORE_FULL'));
    expect(await store.listQueue()).toEqual([]);

    disk.free();
    const accepted = await Promise.all(Array.from({ length: 40 }, (_, n) => store!.submit(makeSubmitRequest({ text: body(n, 8 * 1024) }))));
    expect((await store.listQueue({ limit: 100 })).map((m) => m.id)).toEqual(accepted.map((r) => r.messageId));
  });

  it("stays usable after the writer's WAL checkpoint stopped half-way for lack of space", async () => {
    store = createSqliteStore({ path, checkpoints: 'writer' });
    await store.open();
    const walFrames = (): number => Math.floor((statSync(`${path}-wal`).size - 32) / (4096 + 24));
    // Fill the WAL to just under the store's automatic checkpoint (256 pages), 100 KiB a message.
    const accepted: string[] = [];
    while (walFrames() < 200) accepted.push((await store.submit(makeSubmitRequest({ text: body(accepted.length, 100 * 1024) }))).messageId);
    const dbBefore = statSync(path).size;
    // Room for this commit's WAL frames, not for the database file to grow by the whole WAL.
    disk.fill(1024 * 1024);
    accepted.push((await store.submit(makeSubmitRequest({ text: body(accepted.length, 500 * 1024) }))).messageId);
    // The commit pushed the WAL past 256 pages; its checkpoint began copying into the database file and ran out of space.
    expect(statSync(path).size).toBeGreaterThan(dbBefore);
    expect(statSync(path).size).toBeLessThan(dbBefore + walFrames() * 4096);
    expect(codeOf(await failure(store.submit(makeSubmitRequest({ text: body(0, 100 * 1024) }))))).toBe('XPORT_STORE_FULL');

    disk.free();
    accepted.push((await store.submit(makeSubmitRequest({ text: 'room again' }))).messageId);
    expect((await store.listQueue({ limit: 10_000 })).map((m) => m.id)).toEqual(accepted);
    await store.close();
    store = undefined;
    // The last connection's close checkpointed everything: the WAL is gone, the file is whole.
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(integrity(path)).toBe('ok');
  });

  it('stays usable after a checkpoint in the worker stopped half-way for lack of space, logs it once, and checkpoints again once there is room', async () => {
    let heard: (() => void) | undefined;
    const logger = recordingLogger(() => heard?.());
    const logged = async (pattern: RegExp): Promise<void> => {
      while (!logger.lines.some((line) => pattern.test(line.message))) await new Promise<void>((resolve) => (heard = resolve));
    };
    store = createSqliteStore({ path, logger });
    await store.open();
    const accepted = [(await store.submit(makeSubmitRequest({ text: 'first' }))).messageId];
    await logged(/checkpoints run in a worker thread/);
    // Room for a 500 KiB commit's WAL frames, not for the database file to grow by as much: the
    // checkpoint that follows it, once writes stop, runs out of space.
    disk.fill(700 * 1024);
    accepted.push((await store.submit(makeSubmitRequest({ text: body(1, 500 * 1024) }))).messageId);
    await logged(/a checkpoint failed \(SQLITE_FULL/);
    expect((await store.listQueue({ limit: 10_000 })).map((m) => m.id)).toEqual(accepted);

    disk.free();
    accepted.push((await store.submit(makeSubmitRequest({ text: 'room again' }))).messageId);
    await logged(/checkpoints go through again/);
    expect(logger.lines.filter((line) => /a checkpoint failed/.test(line.message))).toHaveLength(1);
    expect((await store.listQueue({ limit: 10_000 })).map((m) => m.id)).toEqual(accepted);
    await store.close();
    store = undefined;
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(integrity(path)).toBe('ok');
  });

  it('refuses to open on a read-only filesystem with XPORT_STORE_FULL (EROFS), and opens once it is writable', async () => {
    const first = createSqliteStore({ path });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest());
    await first.close();
    disk.remount('ro');
    try {
      const error = await failure(createSqliteStore({ path }).open());
      expect(codeOf(error)).toBe('XPORT_STORE_FULL');
      expect((error as XportError).message).toContain('cannot open the database');
      expect((error as XportError).message).toContain('read-only (EROFS)');
    } finally {
      disk.remount('rw');
    }
    store = createSqliteStore({ path });
    await store.open();
    expect((await store.listQueue()).map((m) => m.id)).toEqual([messageId]);
  });
});

describeIf(CANNOT_CHATTR, 'sqlite store whose files are made immutable (chattr +i)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let files: string[];
  beforeEach(async () => {
    temp = await makeTempDir();
    files = [temp.dbPath, `${temp.dbPath}-wal`, `${temp.dbPath}-shm`];
  });
  afterEach(async () => {
    setImmutable(files.filter((f) => existsSync(f)), false);
    await temp.cleanup();
  });

  it('refuses to open immutable store files with XPORT_STORE_FULL naming the file, instead of failing every write later', async () => {
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    await first.submit(makeSubmitRequest());
    // A second connection keeps the -wal and -shm files when the first closes.
    const keeper = new BetterSqlite3(temp.dbPath);
    keeper.prepare('SELECT 1').get();
    await first.close();
    setImmutable(files, true);
    try {
      const error = await failure(createSqliteStore({ path: temp.dbPath }).open());
      expect(codeOf(error)).toBe('XPORT_STORE_FULL');
      expect((error as XportError).message).toMatch(/store\.db: it may not be written \(immutable, chattr \+i, or not permitted\) \(EPERM\)/);
    } finally {
      setImmutable(files, false);
      keeper.close();
    }
  });

  it('refuses claim and complete while the WAL may not be written, losing and duplicating nothing, and both work once it may', async () => {
    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    try {
      const a = await store.submit(makeSubmitRequest({ recipients: [{ to: 'test:a', provider: 'p1' }] }));
      const b = await store.submit(makeSubmitRequest({ recipients: [{ to: 'test:b', provider: 'p1' }], submittedAt: 1001 }));
      const [claimA] = await store.claim({ owner: 's1', limit: 1, leaseMs: 60_000, now: 2000 });
      expect(claimA?.messageId).toBe(a.messageId);
      setImmutable([`${temp.dbPath}-wal`], true);
      expect(codeOf(await failure(store.claim({ owner: 's1', limit: 10, leaseMs: 60_000, now: 2000 })))).toBe('XPORT_STORE_FULL');
      expect(codeOf(await failure(store.complete({ ...claimA!, result: { state: 'delivered' }, now: 2001 })))).toBe('XPORT_STORE_FULL');
      setImmutable([`${temp.dbPath}-wal`], false);
      // Nothing changed: b is still queued (the failed claim leased nothing), a still in flight under its lease.
      expect((await store.getMessage(b.messageId))?.recipients[0]?.state).toBe('queued');
      expect((await store.getMessage(a.messageId))?.recipients[0]).toMatchObject({ state: 'in-flight', attempts: 0 });
      const again = await store.claim({ owner: 's1', limit: 10, leaseMs: 60_000, now: 3000 });
      expect(again.map((c) => c.messageId)).toEqual([b.messageId]);
      // The result whose write failed can be written again under the same lease (or the recipient is claimed once the lease expires).
      await store.complete({ ...claimA!, result: { state: 'delivered' }, now: 3001 });
      expect((await store.getMessage(a.messageId))?.recipients[0]).toMatchObject({ state: 'delivered', attempts: 1 });
    } finally {
      await store.close();
    }
  });

  // Without the guard: all three files immutable right after a commit, the next read writes a read
  // mark into the mapping; only the -shm immutable, the next commit writes its index. Either is SIGBUS.
  // With the poll running, a read the poll checked moments before (no write since) may still be
  // served: its read mark is in place, so it writes nothing. After a refused write, reads are refused.
  const FULL = 'XPORT_STORE_FULL';
  it.each([
    ['every store file, right after a write', ['', '-wal', '-shm'], 0, { getMessage: FULL, submit: FULL, counts: FULL, claim: FULL }],
    ['only the -shm file, with the cross-process poll running', ['-shm'], 20, { getMessage: expect.stringMatching(/^(ok|XPORT_STORE_FULL)$/), submit: FULL, counts: FULL, claim: FULL }],
  ])('does not die of SIGBUS when %s is made immutable while it is open: calls fail with XPORT_STORE_FULL, and work again afterwards', async (_what, suffixes, pollMs, expected) => {
    const immutable = suffixes.map((suffix) => `${temp.dbPath}${suffix}`);
    const script = fileURLToPath(new URL('./child/immutable-store.mjs', import.meta.url));
    if (!existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))) throw new Error('build @xport/store-sqlite first (pnpm -s build)');
    const child = fork(script, [temp.dbPath, String(pollMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const ask = <T>(step: string, args?: unknown): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (reply: { step: string; result?: T; error?: string }): void => {
          if (reply.step !== step) return;
          child.off('message', onMessage);
          if (reply.error !== undefined) reject(new Error(`child ${step}: ${reply.error}`));
          else resolve(reply.result as T);
        };
        child.on('message', onMessage);
        void exited.then((how) => reject(new Error(`child exited during "${step}" (${JSON.stringify(how)})`)));
        child.send({ step, args });
      });
    try {
      const opened = await ask<{ messageId: string }>('open');
      setImmutable(immutable, true);
      let during: Record<string, string>;
      try {
        during = await ask<Record<string, string>>('whileImmutable', opened);
      } finally {
        setImmutable(immutable, false);
      }
      expect(during).toMatchObject(expected);
      expect(during.error).toMatch(/store\.db(-wal|-shm)?: it may not be written \(immutable, chattr \+i, or not permitted\) \(EPERM\)/);
      const after = await ask<{ first: string; next: string; queued: string[] }>('afterwards', opened);
      expect(after.queued).toEqual([after.first, after.next]);
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
