import { join, resolve } from 'node:path';
import type { Config } from '../shared/config.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/**
 * Chooses the adapter from configuration: a DATABASE_URL means PostgreSQL, otherwise the embedded file.
 * `appendWorker`: on SQLite, event appends run on a worker thread (SqliteStore.open).
 */
export async function openStore(
  config: Pick<Config, 'DATABASE_URL' | 'GODWIT_DATA_DIR'>,
  options: { appendWorker?: boolean } = {},
): Promise<Store> {
  if (config.DATABASE_URL) return PostgresStore.open(config.DATABASE_URL);
  return SqliteStore.open(sqliteFile(config.GODWIT_DATA_DIR), options);
}

export function sqliteFile(dataDir: string): string {
  return join(resolve(dataDir), 'godwit.db');
}
