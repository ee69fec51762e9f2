import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import pg from 'pg';
import { TRAIT_SEARCH_WARNING } from '../migrations/013-trait-search-index.ts';
import { createTestPostgresDatabase } from '../test-databases.ts';
import { PostgresStore } from './postgres-store.ts';

/** Migration 013: the trigram index where pg_trgm can be created, and search without it where it cannot. */
describe('PostgreSQL trait search index', () => {
  async function withDatabase(prepare: string | undefined, check: (url: string) => Promise<void>): Promise<void> {
    const db = await createTestPostgresDatabase();
    try {
      if (prepare) await query(db.url, prepare);
      await check(db.url);
    } finally {
      await db.drop();
    }
  }

  async function query(url: string, text: string): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  }

  /** The next process warning with this code; fails after 10 s rather than hanging the suite. */
  async function warningOf(code: string): Promise<Error> {
    const signal = AbortSignal.timeout(10_000);
    for (;;) {
      const [warning] = (await once(process, 'warning', { signal })) as [Error & { code?: string }];
      if (warning.code === code) return warning;
    }
  }

  const indexed = async (url: string) =>
    (await query(url, `select 1 from pg_indexes where indexname = 'customers_traits_trgm'`)).rowCount === 1;

  it('indexes the lower-cased traits with trigrams', () =>
    withDatabase(undefined, async (url) => {
      const store = await PostgresStore.open(url);
      await store.close();
      assert.equal(await indexed(url), true);
    }));

  it('migrates without the index where pg_trgm lives in a schema off the search path', () =>
    withDatabase('create schema extensions; create extension pg_trgm schema extensions', async (url) => {
      const warned = warningOf(TRAIT_SEARCH_WARNING);
      const store = await PostgresStore.open(url);
      await store.close();
      assert.match((await warned).message, /gin_trgm_ops/);
      assert.equal(await indexed(url), false);
    }));

  it('migrates without the index, and says how to add it, where pg_trgm cannot be created', () =>
    // An object pg_trgm would create already exists, so CREATE EXTENSION fails inside the migration.
    withDatabase(
      `create function similarity(text, text) returns real language sql as 'select 0::real'`,
      async (url) => {
        const warned = warningOf(TRAIT_SEARCH_WARNING);
        const store = await PostgresStore.open(url);
        try {
          const warning = await warned;
          assert.match(warning.message, /without its trigram index: it could not be created/);
          assert.match(warning.message, /create extension pg_trgm; create index customers_traits_trgm/);
          assert.equal(await indexed(url), false);
          await query(
            url,
            `insert into customers (id, workspace_id, traits, trait_times, consent, created_at, updated_at)
           values ('c1', 'w', '{"name":"Ada Lovelace"}', '{}', '{}', 1, 1)`,
          );
          const found = await store.searchCustomers({ workspaceId: 'w', query: 'lovel', limit: 5 });
          assert.deepEqual(
            found.map((p) => p.id),
            ['c1'],
          );
        } finally {
          await store.close();
        }
      },
    ));
});
