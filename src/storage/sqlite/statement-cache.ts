import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { writeLockOf } from './sqlite-connection.ts';

/**
 * The connection as Kysely sees it, with prepared statements kept by their SQL: Kysely prepares
 * every query anew, and parsing a query with a 500-value IN list costs about as much as running
 * it. Godwit runs each statement to completion (`all`/`run`, never a streamed `iterate`), so one
 * statement serves every caller in turn. Least recently used statements are finalized first.
 * A write outside a transaction holds the connection's WriteLock while it runs.
 */
export function withStatementCache(raw: BetterSqlite3.Database, capacity = 256): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  const lock = writeLockOf(raw);
  const prepare = (sql: string): SqliteStatement => {
    const statement = raw.prepare(sql);
    if (statement.readonly) return statement as unknown as SqliteStatement;
    // A write, with RETURNING (which Kysely runs with `all`) or without.
    const locked = <T>(write: () => T): T => (raw.inTransaction ? write() : lock.hold(write));
    return {
      reader: statement.reader,
      all: (parameters) => locked(() => statement.all(parameters)),
      iterate: (parameters) => statement.iterate(parameters),
      run: (parameters) => locked(() => statement.run(parameters)),
    };
  };
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = prepare(sql);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
