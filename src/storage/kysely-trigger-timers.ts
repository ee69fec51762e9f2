import type { Kysely, Transaction } from 'kysely';
import { chunk } from './chunk.ts';
import { triggerTimerFromRow, triggerTimerToRow } from './journey-rows.ts';
import type { TriggerTimerRecord, TriggerTimerUpdate, ZoneQuery } from './journey-store.ts';
import type { Database } from './schema.ts';

/** Trigger timer reads and writes over Kysely, shared by KyselyJourneyStore's dialects. */

export async function dueTriggerTimers(
  db: Kysely<Database>,
  now: number,
  limit: number,
): Promise<TriggerTimerRecord[]> {
  const rows = await db
    .selectFrom('journey_trigger_timers')
    .selectAll()
    .where('due_at', '<=', now)
    .orderBy('due_at')
    .limit(limit)
    .execute();
  return rows.map(triggerTimerFromRow);
}

export async function triggerPlans(db: Kysely<Database>): Promise<TriggerTimerRecord[]> {
  const rows = await db.selectFrom('journey_trigger_timers').selectAll().where('customer_id', 'is', null).execute();
  return rows.map(triggerTimerFromRow);
}

export async function listTriggerTimers(
  db: Kysely<Database>,
  workspaceId: string,
  journeyId: string,
): Promise<TriggerTimerRecord[]> {
  const rows = await db
    .selectFrom('journey_trigger_timers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('journey_id', '=', journeyId)
    .orderBy('customer_id')
    .execute();
  return rows.map(triggerTimerFromRow);
}

export async function customerZones(db: Kysely<Database>, workspaceId: string): Promise<(string | null)[]> {
  const rows = await db
    .selectFrom('customers')
    .select('timezone')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .execute();
  return rows.map((r) => r.timezone);
}

export async function customersInZones(db: Kysely<Database>, query: ZoneQuery): Promise<string[]> {
  const named = query.timezones.filter((zone): zone is string => zone !== null);
  const withNull = query.timezones.includes(null);
  if (named.length === 0 && !withNull) return [];
  let select = db
    .selectFrom('customers')
    .select('customers.id')
    .where('customers.workspace_id', '=', query.workspaceId)
    .where('customers.id', '>', query.after)
    .where((eb) => {
      const zones = [];
      if (named.length > 0) zones.push(eb('customers.timezone', 'in', named));
      if (withNull) zones.push(eb('customers.timezone', 'is', null));
      return eb.or(zones);
    });
  const { segmentId } = query;
  if (segmentId !== undefined) {
    // Memberships have no unique key (a merge may leave two rows), so ask for existence, not a join.
    select = select.where((eb) =>
      eb.exists(
        eb
          .selectFrom('segment_memberships')
          .select('segment_memberships.customer_id')
          .whereRef('segment_memberships.customer_id', '=', 'customers.id')
          .where('segment_memberships.workspace_id', '=', query.workspaceId)
          .where('segment_memberships.segment_id', '=', segmentId),
      ),
    );
  }
  const rows = await select.orderBy('customers.id').limit(query.limit).execute();
  return rows.map((r) => r.id);
}

/** Drops, then per pair deletes every row and inserts its new timer, inside an open transaction. */
export async function writeTriggerTimers(
  trx: Transaction<Database>,
  change: {
    triggerTimers: readonly TriggerTimerUpdate[];
    dropTriggers: readonly { workspaceId: string; journeyId: string }[];
  },
): Promise<void> {
  for (const { workspaceId, journeyId } of change.dropTriggers) {
    await trx
      .deleteFrom('journey_trigger_timers')
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .execute();
  }
  for (const update of change.triggerTimers) {
    let remove = trx
      .deleteFrom('journey_trigger_timers')
      .where('workspace_id', '=', update.workspaceId)
      .where('journey_id', '=', update.journeyId);
    remove =
      update.customerId === null
        ? remove.where('customer_id', 'is', null)
        : remove.where('customer_id', '=', update.customerId);
    await remove.execute();
  }
  const timers = change.triggerTimers.flatMap((u) => (u.timer ? [triggerTimerToRow(u.timer)] : []));
  for (const part of chunk(timers, 300)) await trx.insertInto('journey_trigger_timers').values(part).execute();
}
