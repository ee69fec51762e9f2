import { type Kysely, sql, type Transaction } from 'kysely';
import { chunk } from './chunk.ts';
import { settleJourneyChange } from './journey-change.ts';
import {
  journeyFromRow,
  journeyToRow,
  outboxFromRow,
  outboxToRow,
  RUN_SUMMARY_COLUMNS,
  runFromRow,
  runToRow,
  summaryFromRow,
  timerFromRow,
  timerToRow,
  versionFromRow,
} from './journey-rows.ts';
import type {
  JourneyChange,
  JourneyRecord,
  JourneyStore,
  JourneyVersionRecord,
  NodeCount,
  OutboxQuery,
  OutboxRecord,
  RunQuery,
  RunRecord,
  RunSummary,
  SeenNamesScan,
  TimerRecord,
  TriggerTimerRecord,
  ZoneQuery,
} from './journey-store.ts';
import { addEngagement } from './kysely-decision-store.ts';
import {
  customersInZones,
  customerZones,
  dueTriggerTimers,
  listTriggerTimers,
  triggerPlans,
  writeTriggerTimers,
} from './kysely-trigger-timers.ts';
import type { Database } from './schema.ts';
import { advanceCursor, appendEventsIn, type LockEventLog } from './transaction-writes.ts';
import { dayOf } from './workspace-days.ts';

export interface KyselyJourneyStoreOptions {
  /** Held while a change appends to the event log, where appends must commit in seq order (PostgreSQL). */
  lockEventLog?: LockEventLog;
  /** An adapter's own way to write a change in one transaction (SQLite: prepared statements row by row). */
  applyChange?: (change: JourneyChange) => Promise<void>;
}

/** Journey storage over Kysely, the same for every dialect. */
export class KyselyJourneyStore implements JourneyStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: KyselyJourneyStoreOptions = {},
  ) {}

  async saveJourney(journey: JourneyRecord, version?: JourneyVersionRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = journeyToRow(journey);
      await trx
        .insertInto('journeys')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'id']).doUpdateSet({
            name: row.name,
            status: row.status,
            latest_version: row.latest_version,
            updated_at: row.updated_at,
          }),
        )
        .execute();
      if (!version) return;
      const definition = JSON.stringify(version.definition);
      await trx
        .insertInto('journey_versions')
        .values({
          workspace_id: version.workspaceId,
          journey_id: version.journeyId,
          version: version.version,
          definition,
          created_at: version.createdAt,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'journey_id', 'version']).doUpdateSet({ definition }))
        .execute();
    });
  }

  async getJourney(workspaceId: string, journeyId: string): Promise<JourneyRecord | undefined> {
    const row = await this.db
      .selectFrom('journeys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', journeyId)
      .executeTakeFirst();
    return row ? journeyFromRow(row) : undefined;
  }

  async listJourneys(workspaceId: string): Promise<JourneyRecord[]> {
    const rows = await this.db
      .selectFrom('journeys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute();
    return rows.map(journeyFromRow);
  }

  async getVersion(workspaceId: string, journeyId: string, version: number): Promise<JourneyVersionRecord | undefined> {
    const row = await this.db
      .selectFrom('journey_versions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? versionFromRow(row) : undefined;
  }

  async listVersions(workspaceId: string, journeyId: string): Promise<JourneyVersionRecord[]> {
    const rows = await this.db
      .selectFrom('journey_versions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .orderBy('version')
      .execute();
    return rows.map(versionFromRow);
  }

  async liveVersions(): Promise<JourneyVersionRecord[]> {
    const rows = await this.db
      .selectFrom('journeys')
      .innerJoin('journey_versions', (join) =>
        join
          .onRef('journey_versions.workspace_id', '=', 'journeys.workspace_id')
          .onRef('journey_versions.journey_id', '=', 'journeys.id')
          .onRef('journey_versions.version', '=', 'journeys.latest_version'),
      )
      .selectAll('journey_versions')
      .where('journeys.status', '=', 'live')
      .execute();
    return rows.map(versionFromRow);
  }

  // Customer lookups filter the workspace afterwards: with it in the WHERE clause SQLite's planner
  // picks the (workspace_id, journey_id, started_at) index and scans every run of the workspace.
  async runSummaries(
    workspaceId: string,
    customerIds: readonly string[],
    journeyIds?: readonly string[],
  ): Promise<RunSummary[]> {
    const out: RunSummary[] = [];
    for (const part of chunk([...new Set(customerIds)], 500)) {
      let query = this.db.selectFrom('journey_runs').select(RUN_SUMMARY_COLUMNS).where('customer_id', 'in', part);
      if (journeyIds) query = query.where('journey_id', 'in', journeyIds.length > 0 ? journeyIds : ['']);
      for (const row of await query.execute()) if (row.workspace_id === workspaceId) out.push(summaryFromRow(row));
    }
    return out;
  }

  async waitingRuns(workspaceId: string, customerIds: readonly string[]): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for (const part of chunk([...new Set(customerIds)], 500)) {
      const rows = await this.db
        .selectFrom('journey_runs')
        .select(['workspace_id', 'customer_id', 'state', 'path'])
        .where('customer_id', 'in', part)
        .where('status', '=', 'waiting')
        .orderBy('id')
        .execute();
      for (const row of rows) if (row.workspace_id === workspaceId) out.push(runFromRow(row));
    }
    return out;
  }

  async getRuns(runIds: readonly string[]): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for (const part of chunk([...new Set(runIds)], 500)) {
      const rows = await this.db
        .selectFrom('journey_runs')
        .select(['workspace_id', 'customer_id', 'state', 'path'])
        .where('id', 'in', part)
        .execute();
      out.push(...rows.map(runFromRow));
    }
    return out;
  }

  async listRuns(query: RunQuery): Promise<RunSummary[]> {
    let select = this.db.selectFrom('journey_runs').select(RUN_SUMMARY_COLUMNS);
    // A customer's runs come by the customer index (customer ids are unique across workspaces, so
    // the workspace is checked afterwards); otherwise by workspace and journey.
    if (query.customerId) select = select.where('customer_id', '=', query.customerId);
    else select = select.where('workspace_id', '=', query.workspaceId);
    if (query.journeyId) select = select.where('journey_id', '=', query.journeyId);
    if (query.status) select = select.where('status', '=', query.status);
    if (query.before) select = select.where('id', '<', query.before);
    const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.filter((row) => row.workspace_id === query.workspaceId).map(summaryFromRow);
  }

  async dueTimers(now: number, limit: number): Promise<TimerRecord[]> {
    const rows = await this.db
      .selectFrom('journey_timers')
      .selectAll()
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(limit)
      .execute();
    return rows.map(timerFromRow);
  }

  async countTimers(): Promise<number> {
    const row = await this.db
      .selectFrom('journey_timers')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  dueTriggerTimers(now: number, limit: number): Promise<TriggerTimerRecord[]> {
    return dueTriggerTimers(this.db, now, limit);
  }

  triggerPlans(): Promise<TriggerTimerRecord[]> {
    return triggerPlans(this.db);
  }

  listTriggerTimers(workspaceId: string, journeyId: string): Promise<TriggerTimerRecord[]> {
    return listTriggerTimers(this.db, workspaceId, journeyId);
  }

  customerZones(workspaceId: string): Promise<(string | null)[]> {
    return customerZones(this.db, workspaceId);
  }

  customersInZones(query: ZoneQuery): Promise<string[]> {
    return customersInZones(this.db, query);
  }

  async applyJourneyChange(change: JourneyChange): Promise<void> {
    if (this.options.applyChange) return this.options.applyChange(change);
    const settled = settleJourneyChange(change);
    await this.db.transaction().execute(async (trx) => {
      for (const part of chunk(settled.runs, 100)) await upsertRuns(trx, part);
      for (const part of chunk(settled.deleteTimers, 500)) {
        await trx.deleteFrom('journey_timers').where('id', 'in', part).execute();
      }
      for (const part of chunk(settled.addTimers, 500)) {
        await trx
          .insertInto('journey_timers')
          .values(part.map(timerToRow))
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
      for (const { timerId, dueAt } of change.postponeTimers ?? []) {
        await trx.updateTable('journey_timers').set({ due_at: dueAt }).where('id', '=', timerId).execute();
      }
      for (const part of chunk(change.outbox, 200)) {
        await trx
          .insertInto('outbox')
          .values(part.map(outboxToRow))
          .onConflict((oc) => oc.columns(['workspace_id', 'idempotency_key']).doNothing())
          .execute();
      }
      for (const entry of change.outboxUpdates ?? []) {
        const row = outboxToRow(entry);
        await trx
          .updateTable('outbox')
          .set({
            channel: row.channel,
            status: row.status,
            payload: row.payload,
            updated_at: row.updated_at,
            next_attempt_at: row.next_attempt_at,
          })
          .where('workspace_id', '=', entry.workspaceId)
          .where('idempotency_key', '=', entry.idempotencyKey)
          .where('status', '=', 'scheduled')
          .execute();
      }
      if (change.engagement?.length) await addEngagement(trx, change.engagement);
      for (const part of chunk(settled.counts, 300)) await addCounts(trx, part);
      await writeTriggerTimers(trx, settled);
      if (change.cursor) await advanceCursor(trx, change.cursor);
      // Last, so a lock that orders the event log is held only until the commit.
      await appendEventsIn(trx, change.events, this.options.lockEventLog);
    });
  }

  async nodeCounts(workspaceId: string, journeyId: string): Promise<NodeCount[]> {
    const rows = await this.db
      .selectFrom('journey_node_counts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .orderBy('version')
      .orderBy('node_id')
      .execute();
    return rows.map((r) => ({
      workspaceId: r.workspace_id,
      journeyId: r.journey_id,
      version: Number(r.version),
      nodeId: r.node_id,
      kind: r.kind,
      branch: r.branch,
      count: Number(r.count),
    }));
  }

  async listOutbox(query: OutboxQuery): Promise<OutboxRecord[]> {
    let select = this.db.selectFrom('outbox').selectAll().where('workspace_id', '=', query.workspaceId);
    if (query.customerId) select = select.where('customer_id', '=', query.customerId);
    if (query.journeyId) select = select.where('journey_id', '=', query.journeyId);
    if (query.status) select = select.where('status', '=', query.status);
    if (query.channel) select = select.where('channel', '=', query.channel);
    const rows = await select.orderBy('created_at', 'desc').limit(query.limit).execute();
    return rows.map(outboxFromRow);
  }

  async seenNames(workspaceId: string, scan: SeenNamesScan): Promise<{ events: string[]; traits: string[] }> {
    // Bounded scans from the newest rows: cheap on any size of workspace, and recent data is what matters.
    // Events go newest day first, through events_workspace_day, so only the days read are sorted.
    const day = dayOf('timestamp');
    const recent = this.db
      .selectFrom('events')
      .select('event')
      .where('workspace_id', '=', workspaceId)
      .where('type', '=', 'track')
      .orderBy(day, 'desc')
      .orderBy('seq', 'desc')
      .limit(scan.events)
      .as('recent');
    const events = await this.db.selectFrom(recent).select('event').distinct().where('event', 'is not', null).execute();
    const customers = await this.db
      .selectFrom('customers')
      .select('traits')
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at', 'desc')
      .limit(scan.customers)
      .execute();
    const traits = new Set<string>();
    for (const row of customers) for (const name of Object.keys(JSON.parse(row.traits))) traits.add(name);
    return { events: events.map((r) => r.event as string).sort(), traits: [...traits].sort() };
  }

  async countOutbox(workspaceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async countWaitingWithTemplate(
    workspaceId: string,
    templateId: string,
    channels?: readonly string[],
  ): Promise<number> {
    // The payload is JSON.stringify's, so the template is written `"template":"<id>"`; ids may hold `_`, a LIKE wildcard.
    const pattern = `%"template":${JSON.stringify(templateId).replace(/[\\%_]/g, '\\$&')}%`;
    let query = this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', 'in', ['pending', 'scheduled'])
      .where('workspace_id', '=', workspaceId)
      .where(sql<boolean>`payload like ${pattern} escape '\\'`);
    if (channels) query = query.where('channel', 'in', [...channels]);
    const row = await query.executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}

async function upsertRuns(trx: Transaction<Database>, runs: readonly RunRecord[]): Promise<void> {
  await trx
    .insertInto('journey_runs')
    .values(runs.map(runToRow))
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        outcome: eb.ref('excluded.outcome'),
        node_id: eb.ref('excluded.node_id'),
        updated_at: eb.ref('excluded.updated_at'),
        state: eb.ref('excluded.state'),
        path: eb.ref('excluded.path'),
      })),
    )
    .execute();
}

async function addCounts(trx: Transaction<Database>, counts: readonly NodeCount[]): Promise<void> {
  await trx
    .insertInto('journey_node_counts')
    .values(
      counts.map((c) => ({
        workspace_id: c.workspaceId,
        journey_id: c.journeyId,
        version: c.version,
        node_id: c.nodeId,
        kind: c.kind,
        branch: c.branch,
        count: c.count,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'journey_id', 'version', 'node_id', 'kind', 'branch'])
        .doUpdateSet((eb) => ({ count: eb('journey_node_counts.count', '+', eb.ref('excluded.count')) })),
    )
    .execute();
}
