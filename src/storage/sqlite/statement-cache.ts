import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The connection as Kysely sees it, with prepared statements kept by their SQL: Kysely prepares
 * every query anew, and parsing a query with a 500-value IN list costs about as much as running
 * it. Godwit runs each statement to completion (`all`/`run`, never a streamed `iterate`), so one
 * statement serves every caller in turn. Least recently used statements are finalized first.
 */
export function withStatementCache(raw: BetterSqlite3.Database, capacity = 256): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = raw.prepare(sql);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
