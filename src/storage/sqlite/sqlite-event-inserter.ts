import type BetterSqlite3 from 'better-sqlite3';
import type { NewEvent } from '../store.ts';
import { openSqliteConnection, writeTransaction } from './sqlite-connection.ts';
import { WriteLock } from './write-lock.ts';

/** The event-log append on SQLite: one prepared INSERT, all rows in one transaction (one fsync). */
export class SqliteEventInserter {
  private readonly insertEvent: BetterSqlite3.Statement;

  constructor(private readonly raw: BetterSqlite3.Database) {
    this.insertEvent = raw.prepare(
      `insert into events (workspace_id, message_id, type, event, user_id, anonymous_id, timestamp, received_at, payload)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (workspace_id, message_id) do nothing`,
    );
  }

  /** A connection of its own, for the append worker (the schema is already migrated by the store). */
  static open(file: string, writeLock: SharedArrayBuffer): SqliteEventInserter {
    return new SqliteEventInserter(openSqliteConnection(file, new WriteLock(writeLock)));
  }

  /** Returns how many rows were new (a repeated messageId is skipped). */
  insertAll(events: readonly NewEvent[]): number {
    let inserted = 0;
    writeTransaction(this.raw, () => {
      for (const e of events) {
        inserted += this.insertEvent.run(
          e.workspaceId,
          e.messageId,
          e.type,
          e.event,
          e.userId,
          e.anonymousId,
          e.timestamp,
          e.receivedAt,
          e.payload,
        ).changes;
      }
    })();
    return inserted;
  }

  close(): void {
    this.raw.close();
  }
}
