import type { DeliveryEvent, EventLog, EventReadRequest } from '@xport/provider-sdk';
import type { Database } from './database.js';
import { lastEventRowId, purgeEventRows, readEventRows } from './event-log.js';

/** Runs one store operation on the open database, with the store's error mapping. */
type Run = <T>(action: string, work: (db: Database) => Promise<T>) => Promise<T>;

/** The event log in table `events`: each call is one statement (appends belong to the writes). */
export class PostgresEvents implements EventLog {
  constructor(private readonly run: Run) {}

  readEvents(request: EventReadRequest): Promise<DeliveryEvent[]> {
    return this.run('read delivery events', (db) => readEventRows(db, request));
  }

  lastEventId(): Promise<number> {
    return this.run('read the last event id', (db) => lastEventRowId(db));
  }

  purgeEvents(before: number, limit: number): Promise<number> {
    return this.run('purge delivery events', (db) => purgeEventRows(db, before, limit));
  }
}
