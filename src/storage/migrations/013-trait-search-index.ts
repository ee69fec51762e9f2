import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.ts';

/**
 * PostgreSQL: a trigram index on the lower-cased traits JSON, so a customer search for a value few
 * profiles hold (`lower(traits) like '%…%'`, the search's prefilter) reads those profiles instead of
 * the whole workspace: 1.2 s → 17 ms at 1M customers. It is built in the migration's transaction, so
 * at 1M customers the first start after upgrading spends about 24 s on it while profile writes wait.
 * pg_trgm ships with PostgreSQL and is a trusted extension (any database owner may create it); where
 * it cannot be created, search still works by scanning, so the migration goes on without the index
 * and says how to add it later. SQLite has no such index: a full-text table would cost every profile
 * write, and its scan is 0.5 s at 1M.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  if (dialect !== 'postgres') return;
  // A failed statement aborts the migration's transaction, so both run inside a savepoint: the index
  // fails too where pg_trgm exists in a schema off the search path.
  await sql`savepoint trait_search`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index customers_traits_trgm on customers using gin (lower(traits) gin_trgm_ops)`.execute(db);
    await sql`release savepoint trait_search`.execute(db);
  } catch (error) {
    await sql`rollback to savepoint trait_search`.execute(db);
    process.emitWarning(
      `customer search runs without its trigram index: it could not be created (${(error as Error).message}). ` +
        `As a superuser: create extension pg_trgm; create index customers_traits_trgm on customers using gin (lower(traits) gin_trgm_ops);`,
      { code: TRAIT_SEARCH_WARNING },
    );
  }
}

export const TRAIT_SEARCH_WARNING = 'GODWIT_NO_TRIGRAM_INDEX';
