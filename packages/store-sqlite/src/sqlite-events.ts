import type { Database } from 'better-sqlite3';
import type { DeliveryEvent, EventLog, EventReadRequest } from '@xport/provider-sdk';
import { lastEventRowId, purgeEventRows, readEventRows } from './event-log.js';

type Write = <T>(action: string, work: (db: Database) => T) => Promise<T>;

/** The SQLite store's event log: reads on the connection, purges through the group-commit writer. */
export class SqliteEvents implements EventLog {
  constructor(
    private readonly write: Write,
    private readonly read: () => Database,
  ) {}

  async readEvents(request: EventReadRequest): Promise<DeliveryEvent[]> {
    return readEventRows(this.read(), request);
  }

  async lastEventId(): Promise<number> {
    return lastEventRowId(this.read());
  }

  purgeEvents(before: number, limit: number): Promise<number> {
    return this.write('purge delivery events', (db) => purgeEventRows(db, before, limit));
  }
}
