import { type RawBuilder, sql } from 'kysely';

/**
 * UTC days, as SQL the `*_workspace_day` indexes (migration 012) hold: the overview's windows read only
 * their days, and newest-first lists of a whole workspace walk its days from the newest, sorting
 * only within the days they read.
 */

export const DAY_MS = 86_400_000;

export const DAY_INDEXES = [
  { name: 'events_workspace_day', table: 'events', column: 'timestamp' },
  { name: 'outbox_workspace_day', table: 'outbox', column: 'created_at' },
  { name: 'delivery_events_workspace_day', table: 'delivery_events', column: 'at' },
] as const;

/**
 * The UTC day of an epoch-millisecond column. Integer division truncates in both SQLite and
 * PostgreSQL; a query must write the same expression as the index for the planner to use it.
 */
export function dayOf(column: string): RawBuilder<number> {
  return sql<number>`${sql.ref(column)} / ${sql.lit(DAY_MS)}`;
}

/** The lowest `dayOf` a row at or after `since` can have (the same truncation as SQL's). */
export function dayFloor(since: number): number {
  return Math.trunc(since / DAY_MS);
}
