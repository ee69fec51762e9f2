import { type Kysely, PostgresAdapter, type Transaction } from 'kysely';
import { chunk } from './chunk.ts';
import { deliveryEventFromRow, deliveryEventToRow, messageFromRow } from './delivery-rows.ts';
import {
  type ChannelHealth,
  type ClaimedMessage,
  DEAD_LETTER_STATUSES,
  type DeliveryEventChange,
  type DeliveryEventRecord,
  type DeliveryOutcome,
  type DeliveryStore,
  type MessageQuery,
  type MessageRecord,
  type MessageRef,
  type MessageStatus,
  type RetryResult,
  SEND_STARTED,
} from './delivery-store.ts';
import { afterCursor } from './keyset.ts';
import { insertSuppressions } from './kysely-suppression-store.ts';
import type { Database } from './schema.ts';
import type { SuppressionRecord } from './suppression-store.ts';
import { appendEventsIn, type LockEventLog } from './transaction-writes.ts';
import { dayFloor, dayOf } from './workspace-days.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface KyselyDeliveryStoreOptions {
  /** Held while outcomes append timeline events, where appends must commit in seq order (PostgreSQL). */
  lockEventLog?: LockEventLog;
  /** An adapter's own claim and outcome writes, each one transaction (SQLite: prepared statements). */
  writes?: Partial<Pick<DeliveryStore, 'claimDue' | 'recordOutcomes'>>;
}

/** Delivery storage over Kysely, the same for every dialect but for row locks on PostgreSQL. */
export class KyselyDeliveryStore implements DeliveryStore {
  /** PostgreSQL lets concurrent claimers pass over each other's locked rows. */
  private readonly skipLocked: boolean;

  private readonly lockEventLog: LockEventLog | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: KyselyDeliveryStoreOptions = {},
  ) {
    this.skipLocked = db.getExecutor().adapter instanceof PostgresAdapter;
    this.lockEventLog = options.lockEventLog;
  }

  async claimDue(options: { owner: string; now: number; leaseMs: number; limit: number }): Promise<ClaimedMessage[]> {
    if (this.options.writes?.claimDue) return this.options.writes.claimDue(options);
    const { owner, now, leaseMs, limit } = options;
    return this.db.transaction().execute(async (trx) => {
      // Two index-ordered range scans rather than one `in` that would sort every due row.
      const pending = await this.due(trx, 'pending', now, limit);
      const expired = pending.length < limit ? await this.due(trx, 'sending', now, limit - pending.length) : [];
      const rows = [...pending, ...expired];
      const until = now + leaseMs;
      for (const [workspaceId, keys] of keysByWorkspace(rows)) {
        for (const part of chunk(keys, 500)) {
          await trx
            .updateTable('outbox')
            .set({
              status: 'sending',
              claimed_by: owner,
              claimed_until: until,
              next_attempt_at: until,
              updated_at: now,
            })
            .where('workspace_id', '=', workspaceId)
            .where('idempotency_key', 'in', part)
            .execute();
        }
      }
      return rows.map((row) => ({
        ...messageFromRow(row),
        status: 'sending' as const,
        nextAttemptAt: until,
        recovered: row.status === 'sending',
      }));
    });
  }

  private due(trx: Db, status: MessageStatus, now: number, limit: number) {
    let query = trx
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', status)
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit);
    if (this.skipLocked) query = query.forUpdate().skipLocked();
    return query.execute();
  }

  async recordOutcomes(outcomes: readonly DeliveryOutcome[]): Promise<number> {
    if (outcomes.length === 0) return 0;
    if (this.options.writes?.recordOutcomes) return this.options.writes.recordOutcomes(outcomes);
    return this.db.transaction().execute(async (trx) => {
      const events: DeliveryEventRecord[] = [];
      const suppressions: SuppressionRecord[] = [];
      let applied = 0;
      for (const outcome of outcomes) {
        const result = await trx
          .updateTable('outbox')
          .set(outcomeColumns(outcome))
          .where('workspace_id', '=', outcome.workspaceId)
          .where('idempotency_key', '=', outcome.idempotencyKey)
          .where('status', '=', 'sending')
          .where('claimed_by', '=', outcome.owner)
          .executeTakeFirst();
        // A claim that expired and passed to another worker is theirs now: write nothing of it.
        if (Number(result.numUpdatedRows) !== 1) continue;
        applied += 1;
        events.push(...outcome.events);
        suppressions.push(...(outcome.suppressions ?? []));
      }
      await insertEvents(trx, events);
      await insertSuppressions(trx, suppressions);
      return applied;
    });
  }

  async markStarted(options: Parameters<DeliveryStore['markStarted']>[0]): Promise<void> {
    const byWorkspace = keysByWorkspace(
      options.messages.map((m) => ({ workspace_id: m.workspaceId, idempotency_key: m.idempotencyKey })),
    );
    for (const [workspaceId, keys] of byWorkspace) {
      for (const part of chunk(keys, 500)) {
        await this.db
          .updateTable('outbox')
          .set({ last_error: SEND_STARTED })
          .where('workspace_id', '=', workspaceId)
          .where('idempotency_key', 'in', part)
          .where('status', '=', 'sending')
          .where('claimed_by', '=', options.owner)
          .execute();
      }
    }
  }

  async recordDeliveryEvents(change: DeliveryEventChange): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const { workspaceId, idempotencyKey, status, at } of change.statuses) {
        await trx
          .updateTable('outbox')
          .set({ status, updated_at: at })
          .where('workspace_id', '=', workspaceId)
          .where('idempotency_key', '=', idempotencyKey)
          .execute();
      }
      await insertEvents(trx, change.events);
      await insertSuppressions(trx, change.suppressions ?? []);
      await appendEventsIn(trx, change.timeline, this.lockEventLog);
    });
  }

  async findMessage(ref: MessageRef): Promise<MessageRecord | undefined> {
    let query = this.db.selectFrom('outbox').selectAll();
    if ('idempotencyKey' in ref) {
      query = query.where('workspace_id', '=', ref.workspaceId).where('idempotency_key', '=', ref.idempotencyKey);
    } else {
      query = query.where('provider_message_id', '=', ref.providerMessageId).where('provider', '=', ref.provider);
    }
    const row = await query.executeTakeFirst();
    return row ? messageFromRow(row) : undefined;
  }

  async listMessages(query: MessageQuery): Promise<MessageRecord[]> {
    const { customerId, statuses, before, limit } = query;
    // Each list comes in time order from an index, so only ties are sorted, never a whole workspace
    // (storage README, "Windowed reads"): one customer from outbox_customer, one status from outbox_status.
    if (!customerId && statuses && statuses.length > 1) return this.newestOfEach(query, statuses);
    let select = this.messagesWhere(query);
    if (!customerId && !statuses) {
      // The whole workspace walks outbox_workspace_day from the newest day (days order as their times
      // do), sorting only within the days it reads.
      const day = dayOf('created_at');
      if (before) select = select.where(day, '<=', dayFloor(before.at));
      select = select.orderBy(day, 'desc');
    }
    const rows = await select.orderBy('created_at', 'desc').orderBy('idempotency_key').limit(limit).execute();
    return rows.map(messageFromRow);
  }

  /** Several statuses (dead letters): the newest of each status, merged, where they may be a handful in millions. */
  private async newestOfEach(query: MessageQuery, statuses: readonly MessageStatus[]): Promise<MessageRecord[]> {
    const [first, ...rest] = statuses.map((status, i) =>
      this.db
        .selectFrom(
          this.messagesWhere({ ...query, statuses: [status] })
            .orderBy('created_at', 'desc')
            .orderBy('idempotency_key')
            .limit(query.limit)
            .as(`s${i}`),
        )
        .selectAll(),
    );
    if (!first) return [];
    const union = rest.reduce((all, arm) => all.unionAll(arm), first);
    const rows = await union.orderBy('created_at', 'desc').orderBy('idempotency_key').limit(query.limit).execute();
    return rows.map(messageFromRow);
  }

  private messagesWhere(query: MessageQuery) {
    const { statuses, before } = query;
    let select = this.db.selectFrom('outbox').selectAll().where('workspace_id', '=', query.workspaceId);
    if (statuses) select = select.where('status', 'in', statuses.length > 0 ? statuses : ['']);
    if (query.channel) select = select.where('channel', '=', query.channel);
    if (query.journeyId) select = select.where('journey_id', '=', query.journeyId);
    if (query.customerId) select = select.where('customer_id', '=', query.customerId);
    if (!before) return select;
    return select.where(afterCursor('created_at', before.at, [['idempotency_key', before.afterKey]]));
  }

  async deliveryEvents(workspaceId: string, idempotencyKey: string): Promise<DeliveryEventRecord[]> {
    const rows = await this.db
      .selectFrom('delivery_events')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('idempotency_key', '=', idempotencyKey)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map(deliveryEventFromRow);
  }

  async retryMessage(options: { workspaceId: string; idempotencyKey: string; now: number }): Promise<RetryResult> {
    const { workspaceId, idempotencyKey, now } = options;
    const result = await this.db
      .updateTable('outbox')
      .set({
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        claimed_by: null,
        claimed_until: null,
        updated_at: now,
      })
      .where('workspace_id', '=', workspaceId)
      .where('idempotency_key', '=', idempotencyKey)
      .where('status', 'in', DEAD_LETTER_STATUSES)
      .executeTakeFirst();
    const message = await this.findMessage({ workspaceId, idempotencyKey });
    if (!message) return { ok: false, reason: 'not_found' };
    return Number(result.numUpdatedRows) === 1 ? { ok: true, message } : { ok: false, reason: 'not_dead' };
  }

  async countByStatus(workspaceId?: string): Promise<Partial<Record<MessageStatus, number>>> {
    let query = this.db
      .selectFrom('outbox')
      .select(['status', (eb) => eb.fn.countAll().as('n')])
      .groupBy('status');
    if (workspaceId) query = query.where('workspace_id', '=', workspaceId);
    const out: Partial<Record<MessageStatus, number>> = {};
    for (const row of await query.execute()) out[row.status as MessageStatus] = Number(row.n);
    return out;
  }

  async setChannelHealth(rows: readonly ChannelHealth[]): Promise<void> {
    for (const row of rows) {
      const values = {
        channel: row.channel,
        provider: row.provider,
        unhealthy_until: row.unhealthyUntil,
        reason: row.reason,
        updated_at: row.updatedAt,
      };
      await this.db
        .insertInto('channel_health')
        .values(values)
        .onConflict((oc) => oc.column('channel').doUpdateSet(values))
        .execute();
    }
  }

  async unhealthyChannels(now: number): Promise<ChannelHealth[]> {
    const rows = await this.db.selectFrom('channel_health').selectAll().where('unhealthy_until', '>', now).execute();
    return rows.map((r) => ({
      channel: r.channel,
      provider: r.provider,
      unhealthyUntil: Number(r.unhealthy_until),
      reason: r.reason,
      updatedAt: Number(r.updated_at),
    }));
  }
}

function outcomeColumns(outcome: DeliveryOutcome) {
  return {
    status: outcome.status,
    attempts: outcome.attempts,
    next_attempt_at: outcome.nextAttemptAt,
    claimed_by: null,
    claimed_until: null,
    updated_at: outcome.at,
    ...(outcome.provider !== undefined && { provider: outcome.provider }),
    ...(outcome.providerMessageId !== undefined && { provider_message_id: outcome.providerMessageId }),
    ...(outcome.lastError !== undefined && { last_error: outcome.lastError }),
    ...(outcome.sentAt !== undefined && { sent_at: outcome.sentAt }),
    ...(outcome.content !== undefined && {
      content: outcome.content === null ? null : JSON.stringify(outcome.content),
    }),
  };
}

async function insertEvents(trx: Transaction<Database>, events: readonly DeliveryEventRecord[]): Promise<void> {
  for (const part of chunk(events, 200)) {
    await trx
      .insertInto('delivery_events')
      .values(part.map(deliveryEventToRow))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

function keysByWorkspace(rows: readonly { workspace_id: string; idempotency_key: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of rows) {
    const keys = out.get(row.workspace_id);
    if (keys) keys.push(row.idempotency_key);
    else out.set(row.workspace_id, [row.idempotency_key]);
  }
  return out;
}
