import { accessSync, constants } from 'node:fs';
import type { Logger } from '@xport/provider-sdk';
import { storeFiles } from './store-files.js';

/**
 * Keeps this process from touching SQLite's shared-memory index (`<db>-shm`) while that file may not
 * be written (made immutable with `chattr +i` while the store is open, for one).
 *
 * Why: SQLite maps the `-shm` file into memory once, writable, and afterwards writes the mapping
 * directly — every write transaction, the first read after a write (it records a read mark), and
 * the checkpoint of the last connection to close. Once the file is immutable, such a write faults
 * and the kernel sends SIGBUS: the process dies, and no JavaScript can catch it. A new process is
 * not at risk (SQLite maps a file it cannot write read-only and answers SQLITE_READONLY).
 *
 * So: one `access(W_OK)` (a microsecond or two) before every write transaction and before the first
 * read after one; other reads look again once `recheckMs` has passed, which catches a file made
 * immutable while the store sits idle. Once refused, every call is checked (and refused) until the
 * file may be written again; then the store carries on, no reopening needed. What remains is the moment between the check and SQLite's
 * next write to the mapping: a `chattr +i` that lands exactly there still kills the process.
 */
export class ShmGuard {
  private readonly shm: string;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** A write went through (or the last check failed) since the last passing check: the next read checks. */
  private wrote = true;

  constructor(
    private readonly path: string,
    private readonly recheckMs = 100,
  ) {
    this.shm = storeFiles(path).shm;
  }

  /** Before a write transaction. Throws the `access` error (EPERM, EROFS, EACCES) when the index may not be written. */
  beforeWrite(): void {
    this.check();
    this.wrote = true;
  }

  /** Before a read: checks after a write, or when `recheckMs` passed since the last check. */
  beforeRead(): void {
    if (this.wrote || performance.now() - this.checkedAt >= this.recheckMs) this.check();
  }

  /**
   * Before the connection closes, which cannot be refused: closing the last connection checkpoints
   * through the mapping, so with the index unwritable the process may die of SIGBUS. Says so first.
   */
  beforeClose(logger: Logger | undefined): void {
    try {
      this.check();
    } catch (error) {
      logger?.error(
        `sqlite store ${this.path}: ${this.shm} may not be written (${String((error as { code?: unknown }).code)}: immutable or not permitted); closing the database touches it and this process may be killed by SIGBUS. Everything committed is kept.`,
        { path: this.path },
      );
    }
  }

  private check(): void {
    try {
      accessSync(this.shm, constants.W_OK);
    } catch (error) {
      // Not there: nothing is mapped, SQLite creates it afresh.
      if ((error as { code?: unknown }).code !== 'ENOENT') {
        // Refused until a check passes again, reads too: a read may have to write a read mark.
        this.wrote = true;
        throw error;
      }
    }
    this.checkedAt = performance.now();
    this.wrote = false;
  }
}
