import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';
import { createTestPostgresDatabase } from './test-databases.ts';

export interface StoreAdapter {
  name: 'sqlite' | 'postgres';
  /** A fresh, migrated store; dispose() removes its file or database (close the store first). */
  open(): Promise<{ store: Store; dispose(): Promise<void> }>;
}

/** Every adapter of the Store port: contract suites run the same cases against each. */
export const storeAdapters: StoreAdapter[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'godwit-store-'));
      const store = await SqliteStore.open(join(dir, 'godwit.db'));
      return { store, dispose: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    async open() {
      const database = await createTestPostgresDatabase();
      return { store: await PostgresStore.open(database.url), dispose: database.drop };
    },
  },
];
