import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
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

/**
 * A contract suite: one `describe` per adapter, each on a fresh store opened before its cases and
 * closed and removed after them. Cases read the store as `t.store`.
 */
export function describeEachStore(title: string, cases: (t: { store: Store }) => void): void {
  for (const adapter of storeAdapters) {
    describe(`${title} (${adapter.name})`, () => {
      const t = {} as { store: Store };
      let dispose: () => Promise<void> = async () => {};
      before(async () => {
        ({ store: t.store, dispose } = await adapter.open());
      });
      after(async () => {
        await t.store?.close();
        await dispose();
      });
      cases(t);
    });
  }
}
