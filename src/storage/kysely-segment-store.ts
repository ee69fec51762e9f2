import type { Kysely } from 'kysely';
import { isObject, parseJsonObject } from '../shared/json.ts';
import { chunk } from './chunk.ts';
import type { Database } from './schema.ts';
import { writeSegmentChange } from './segment-change-writes.ts';
import { segmentFromRow, segmentTimerFromRow } from './segment-rows.ts';
import type {
  CustomerEvent,
  MemberPage,
  MembershipRecord,
  SegmentChange,
  SegmentRecord,
  SegmentStore,
  SegmentTimerRecord,
} from './segment-store.ts';
import type { LockEventLog } from './transaction-writes.ts';

export interface KyselySegmentStoreOptions {
  /** Held while a change appends to the event log, where appends must commit in seq order (PostgreSQL). */
  lockEventLog?: LockEventLog;
}

/** Segment storage over Kysely, the same for every dialect. */
export class KyselySegmentStore implements SegmentStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: KyselySegmentStoreOptions = {},
  ) {}

  async saveSegment(input: Parameters<SegmentStore['saveSegment']>[0]): Promise<SegmentRecord> {
    const { workspaceId, definition, now } = input;
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('segments')
        .values({
          workspace_id: workspaceId,
          id: definition.id,
          name: definition.name,
          definition: JSON.stringify(definition),
          version: 1,
          backfill_after: '',
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'id']).doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            definition: eb.ref('excluded.definition'),
            version: eb('segments.version', '+', 1),
            backfill_after: '',
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return segmentFromRow(row);
    });
  }

  async getSegment(workspaceId: string, segmentId: string): Promise<SegmentRecord | undefined> {
    const row = await this.db
      .selectFrom('segments')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', segmentId)
      .executeTakeFirst();
    return row ? segmentFromRow(row) : undefined;
  }

  async listSegments(workspaceId: string): Promise<SegmentRecord[]> {
    const rows = await this.db
      .selectFrom('segments')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute();
    return rows.map(segmentFromRow);
  }

  async allSegments(): Promise<SegmentRecord[]> {
    const rows = await this.db.selectFrom('segments').selectAll().orderBy('workspace_id').orderBy('id').execute();
    return rows.map(segmentFromRow);
  }

  async deleteSegment(workspaceId: string, segmentId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      for (const table of ['segment_memberships', 'segment_timers'] as const) {
        await trx
          .deleteFrom(table)
          .where('workspace_id', '=', workspaceId)
          .where('segment_id', '=', segmentId)
          .execute();
      }
      const deleted = await trx
        .deleteFrom('segments')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', segmentId)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    });
  }

  async segmentSize(workspaceId: string, segmentId: string): Promise<number> {
    // Distinct: a merge can leave a customer with two rows until the runtime next evaluates them.
    const row = await this.db
      .selectFrom('segment_memberships')
      .select((eb) => eb.fn.count('customer_id').distinct().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('segment_id', '=', segmentId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async listMembers(query: {
    workspaceId: string;
    segmentId: string;
    limit: number;
    after?: string;
  }): Promise<MemberPage> {
    let select = this.db
      .selectFrom('segment_memberships')
      .select(['customer_id', (eb) => eb.fn.min('since').as('since')])
      .where('workspace_id', '=', query.workspaceId)
      .where('segment_id', '=', query.segmentId);
    if (query.after !== undefined) select = select.where('customer_id', '>', query.after);
    const rows = await select
      .groupBy('customer_id')
      .orderBy('customer_id')
      .limit(query.limit + 1)
      .execute();
    const members = rows.slice(0, query.limit).map((r) => ({ customerId: r.customer_id, since: Number(r.since) }));
    const next = rows.length > query.limit ? (members.at(-1)?.customerId ?? null) : null;
    return { members, next };
  }

  async membershipsOf(workspaceId: string, customerIds: readonly string[]): Promise<MembershipRecord[]> {
    const out: MembershipRecord[] = [];
    for (const part of chunk([...new Set(customerIds)], 500)) {
      const rows = await this.db
        .selectFrom('segment_memberships')
        .selectAll()
        .where('customer_id', 'in', part) // workspace filtered below: storage README, "Customer-keyed reads"
        .execute();
      out.push(
        ...rows
          .filter((r) => r.workspace_id === workspaceId)
          .map((r) => ({
            workspaceId: r.workspace_id,
            segmentId: r.segment_id,
            customerId: r.customer_id,
            since: Number(r.since),
          })),
      );
    }
    return out;
  }

  async stateOf(
    workspaceId: string,
    customerIds: readonly string[],
  ): Promise<{ memberships: MembershipRecord[]; timers: SegmentTimerRecord[] }> {
    const timers: SegmentTimerRecord[] = [];
    for (const part of chunk([...new Set(customerIds)], 500)) {
      const timerRows = await this.db
        .selectFrom('segment_timers')
        .selectAll()
        .where('customer_id', 'in', part)
        .where('workspace_id', '=', workspaceId)
        .execute();
      timers.push(...timerRows.map(segmentTimerFromRow));
    }
    return { memberships: await this.membershipsOf(workspaceId, customerIds), timers };
  }

  async customerEvents(query: {
    workspaceId: string;
    customerIds: readonly string[];
    names: readonly string[];
    since: number;
  }): Promise<CustomerEvent[]> {
    if (query.names.length === 0) return [];
    const out: CustomerEvent[] = [];
    // customer_id leads the events_timeline index (customer_id, timestamp, seq): each customer is a
    // range scan. The workspace is filtered below: storage README, "Customer-keyed reads".
    for (const part of chunk([...new Set(query.customerIds)], 200)) {
      const rows = await this.db
        .selectFrom('events')
        .select(['workspace_id', 'customer_id', 'event', 'timestamp', 'payload'])
        .where('customer_id', 'in', part)
        .where('timestamp', '>', query.since)
        .where('event', 'in', [...query.names])
        .execute();
      for (const row of rows) {
        if (row.workspace_id !== query.workspaceId) continue;
        const payload = parseJsonObject(row.payload);
        out.push({
          customerId: row.customer_id as string,
          event: row.event as string,
          properties: isObject(payload.properties) ? payload.properties : {},
          timestamp: Number(row.timestamp),
        });
      }
    }
    return out;
  }

  async createdAtOf(workspaceId: string, customerIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const part of chunk([...new Set(customerIds)], 500)) {
      // By id alone, as loadProfiles does: with the workspace in the WHERE clause SQLite scans the workspace.
      const rows = await this.db
        .selectFrom('customers')
        .select(['id', 'workspace_id', 'created_at'])
        .where('id', 'in', part)
        .execute();
      for (const row of rows) if (row.workspace_id === workspaceId) out.set(row.id, Number(row.created_at));
    }
    return out;
  }

  async mergedSince(workspaceId: string, customerIds: readonly string[], since: number): Promise<string[]> {
    const out = new Set<string>();
    for (const part of chunk([...new Set(customerIds)], 500)) {
      const rows = await this.db
        .selectFrom('identity_audit')
        .select('into_customer_id')
        .where('into_customer_id', 'in', part)
        .where('action', '=', 'merge')
        .where('created_at', '>=', since)
        .where('workspace_id', '=', workspaceId)
        .execute();
      for (const row of rows) out.add(row.into_customer_id);
    }
    return [...out];
  }

  async customerIdsAfter(workspaceId: string, after: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('customers')
      .select('id')
      .where('id', '>', after)
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async dueTimers(now: number, limit: number): Promise<SegmentTimerRecord[]> {
    const rows = await this.db
      .selectFrom('segment_timers')
      .selectAll()
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(limit)
      .execute();
    return rows.map(segmentTimerFromRow);
  }

  async applySegmentChange(change: SegmentChange): Promise<void> {
    await this.db.transaction().execute((trx) => writeSegmentChange(trx, change, this.options.lockEventLog));
  }
}
