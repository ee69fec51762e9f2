import type { Transaction } from 'kysely';
import { chunk } from './chunk.ts';
import type { Database } from './schema.ts';
import type { PairUpdate, SegmentChange } from './segment-store.ts';
import { advanceCursor, appendEventsIn, type LockEventLog } from './transaction-writes.ts';

/**
 * Writes one SegmentChange inside an open transaction. Pairs of a segment deleted meanwhile are
 * dropped, and a customer erased meanwhile only loses rows: an evaluation that read them before
 * the deletion must not bring them back.
 */
export async function writeSegmentChange(
  trx: Transaction<Database>,
  change: SegmentChange,
  lockEventLog?: LockEventLog,
): Promise<void> {
  const pairs = await stillOwned(trx, lastOfEachPair(change.pairs));
  const members = pairs.filter((p) => p.member !== undefined);
  for (const part of chunk(members, 300)) await deletePairs(trx, 'segment_memberships', part);
  const entered = members.filter((p) => p.member === true);
  for (const part of chunk(entered, 500)) {
    await trx
      .insertInto('segment_memberships')
      .values(
        part.map((p) => ({
          workspace_id: p.workspaceId,
          segment_id: p.segmentId,
          customer_id: p.customerId,
          since: p.since ?? 0,
        })),
      )
      .execute();
  }
  const timed = pairs.filter((p) => p.timer !== undefined);
  for (const part of chunk(timed, 300)) await deletePairs(trx, 'segment_timers', part);
  const timers = timed.filter((p) => typeof p.timer === 'number');
  for (const part of chunk(timers, 500)) {
    await trx
      .insertInto('segment_timers')
      .values(
        part.map((p) => ({
          workspace_id: p.workspaceId,
          segment_id: p.segmentId,
          customer_id: p.customerId,
          due_at: p.timer as number,
        })),
      )
      .execute();
  }
  if (change.backfill) await recordBackfill(trx, change.backfill);
  if (change.cursor) await advanceCursor(trx, change.cursor);
  // Last, so a lock that orders the event log is held only until the commit.
  const entries = new Set(entered.map(pairKey));
  const events = change.events.filter(
    (e) => !isMembershipEvent(e) || entries.has(eventPairKey(e)) || leftPair(e, pairs),
  );
  await appendEventsIn(trx, events, lockEventLog);
}

const pairKey = (p: { workspaceId: string; segmentId: string; customerId: string }) =>
  `${p.workspaceId}\u0000${p.segmentId}\u0000${p.customerId}`;

/** Membership events carry their pair in the messageId (`segment:<segment>:<customer>:<change>:<at>`). */
function isMembershipEvent(event: { messageId: string }): boolean {
  return event.messageId.startsWith('segment:');
}

function eventPairKey(event: { workspaceId: string; messageId: string }): string {
  const [, segmentId = '', customerId = ''] = event.messageId.split(':');
  return pairKey({ workspaceId: event.workspaceId, segmentId, customerId });
}

/** An exit is recorded only for a pair still written as an exit (not dropped with its segment or customer). */
function leftPair(event: { workspaceId: string; messageId: string }, pairs: readonly OwnedPair[]): boolean {
  const key = eventPairKey(event);
  return pairs.some((p) => p.member === false && !p.gone && pairKey(p) === key);
}

/** A pair evaluated twice in one batch keeps the last of each part of its update. */
function lastOfEachPair(pairs: readonly PairUpdate[]): PairUpdate[] {
  const byKey = new Map<string, PairUpdate>();
  for (const pair of pairs) {
    const key = pairKey(pair);
    const seen = byKey.get(key);
    byKey.delete(key);
    byKey.set(key, seen ? mergeUpdates(seen, pair) : pair);
  }
  return [...byKey.values()];
}

function mergeUpdates(first: PairUpdate, second: PairUpdate): PairUpdate {
  return {
    ...first,
    ...(second.member === undefined ? {} : { member: second.member, since: second.since }),
    ...(second.timer === undefined ? {} : { timer: second.timer }),
  };
}

type OwnedPair = PairUpdate & { gone?: boolean };

/** Drops pairs of deleted segments; turns pairs of deleted customers into removals. */
async function stillOwned(trx: Transaction<Database>, pairs: PairUpdate[]): Promise<OwnedPair[]> {
  if (pairs.length === 0) return pairs;
  const segments = await existing(
    trx,
    'segments',
    pairs.map((p) => [p.workspaceId, p.segmentId]),
  );
  const customers = await existing(
    trx,
    'customers',
    pairs.map((p) => [p.workspaceId, p.customerId]),
  );
  return pairs
    .filter((p) => segments.has(`${p.workspaceId}\u0000${p.segmentId}`))
    .map((p) => {
      if (customers.has(`${p.workspaceId}\u0000${p.customerId}`)) return p;
      const removal: OwnedPair = {
        workspaceId: p.workspaceId,
        segmentId: p.segmentId,
        customerId: p.customerId,
        gone: true,
      };
      if (p.member !== undefined) removal.member = false;
      if (p.timer !== undefined) removal.timer = null;
      return removal;
    });
}

/** Which (workspace, id) keys have a row in `table`. */
async function existing(
  trx: Transaction<Database>,
  table: 'segments' | 'customers',
  keys: readonly [string, string][],
): Promise<Set<string>> {
  const wanted = [...new Set(keys.map(([workspaceId, id]) => `${workspaceId}\u0000${id}`))];
  const found = new Set<string>();
  for (const part of chunk(wanted, 300)) {
    const rows = await trx
      .selectFrom(table)
      .select(['workspace_id', 'id'])
      .where((eb) =>
        eb(
          eb.refTuple('workspace_id', 'id'),
          'in',
          part.map((key) => {
            const [workspaceId = '', id = ''] = key.split('\u0000');
            return eb.tuple(workspaceId, id);
          }),
        ),
      )
      .execute();
    for (const row of rows) found.add(`${row.workspace_id}\u0000${row.id}`);
  }
  return found;
}

async function deletePairs(
  trx: Transaction<Database>,
  table: 'segment_memberships' | 'segment_timers',
  pairs: readonly PairUpdate[],
): Promise<void> {
  await trx
    .deleteFrom(table)
    .where((eb) =>
      eb(
        eb.refTuple('customer_id', 'segment_id'),
        'in',
        pairs.map((p) => eb.tuple(p.customerId, p.segmentId)),
      ),
    )
    .where('workspace_id', 'in', [...new Set(pairs.map((p) => p.workspaceId))])
    .execute();
}

async function recordBackfill(trx: Transaction<Database>, backfill: NonNullable<SegmentChange['backfill']>) {
  await trx
    .updateTable('segments')
    .set({ backfill_after: backfill.after })
    .where('workspace_id', '=', backfill.workspaceId)
    .where('id', '=', backfill.segmentId)
    .where('version', '=', backfill.version)
    .execute();
}
