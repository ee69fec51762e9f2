/** A cursor's row as a lease holder sees it. */
export interface CursorLeaseRow {
  readonly owner: string | null;
  readonly leaseUntil: number;
  readonly position: number;
}

/**
 * The position, when `owner` holds the cursor for more than half its lease yet: then acquiring it
 * again needs no write. Every loop turn of every stage acquires its cursor, and a write takes the
 * write lock (on SQLite, dropping the other connections' page caches); renewing once half the
 * lease has passed keeps at least half of it in hand, and a stage's commit checks the owner anyway.
 */
export function heldPosition(
  row: CursorLeaseRow | undefined,
  options: { owner: string; now: number; leaseMs: number },
): number | undefined {
  if (!row || row.owner !== options.owner) return undefined;
  return row.leaseUntil - options.now > options.leaseMs / 2 ? row.position : undefined;
}
