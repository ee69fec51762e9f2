import { type Kysely, sql } from 'kysely';
import { DAY_INDEXES, dayOf } from '../workspace-days.ts';
import type { MigrationContext } from './index.ts';

/**
 * The console overview's aggregates read one workspace's last days of events, messages and delivery
 * events; without these they walked the whole workspace (1 s at 1M events on SQLite). Each index is
 * on the UTC day, an expression, not on the time column itself: an index on (workspace_id, timestamp)
 * also serves `order by timestamp`, and SQLite's planner, which has no statistics here, then picked it
 * over the customer index for a customer's timeline and walked the whole workspace by time.
 */
export async function up(db: Kysely<unknown>, _context: MigrationContext): Promise<void> {
  for (const { name, table, column } of DAY_INDEXES) {
    await sql`create index ${sql.id(name)} on ${sql.table(table)} (workspace_id, (${dayOf(column)}))`.execute(db);
  }
}
