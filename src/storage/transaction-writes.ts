import type { Transaction } from 'kysely';
import { chunk } from './chunk.ts';
import { LeaseLostError } from './lease-lost-error.ts';
import type { Database } from './schema.ts';
import type { NewEvent } from './store.ts';

/** Writes that several stages make inside their own transactions: emitted events and the cursor. */

/** Held while a change appends to the event log, where appends must commit in seq order (PostgreSQL). */
export type LockEventLog = (trx: Transaction<Database>) => Promise<void>;

/** Appends events a stage emits; one already stored under its messageId is skipped. Call last in the transaction. */
export async function appendEventsIn(
  trx: Transaction<Database>,
  events: readonly NewEvent[],
  lockEventLog?: LockEventLog,
): Promise<void> {
  if (events.length === 0) return;
  await lockEventLog?.(trx);
  for (const part of chunk(events, 200)) {
    await trx
      .insertInto('events')
      .values(
        part.map((e) => ({
          workspace_id: e.workspaceId,
          message_id: e.messageId,
          type: e.type,
          event: e.event,
          user_id: e.userId,
          anonymous_id: e.anonymousId,
          timestamp: e.timestamp,
          received_at: e.receivedAt,
          payload: e.payload,
        })),
      )
      .onConflict((oc) => oc.columns(['workspace_id', 'message_id']).doNothing())
      .execute();
  }
}

/** Moves a cursor; a stage whose lease has passed to another must not write, so this rolls the whole change back. */
export async function advanceCursor(
  trx: Transaction<Database>,
  cursor: { name: string; position: number; owner: string },
): Promise<void> {
  const moved = await trx
    .updateTable('cursors')
    .set({ position: cursor.position })
    .where('name', '=', cursor.name)
    .where('owner', '=', cursor.owner)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new LeaseLostError(cursor.name);
}
