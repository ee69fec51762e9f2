import { type Kysely, sql, type Transaction } from 'kysely';
import { chunk } from './chunk.ts';
import type {
  DecisionStore,
  EngagementIncrement,
  EngagementResponse,
  EngagementRow,
  PopulationAggregates,
  RecentEventRow,
  SendRow,
  StoredPolicy,
} from './decision-store.ts';
import { outboxFromRow } from './journey-rows.ts';
import type { OutboxRecord } from './journey-store.ts';
import type { Database } from './schema.ts';
import { dayFloor, dayOf } from './workspace-days.ts';

/** Statuses that are not a message to the customer: decided against, or refused by the provider for good. */
const NOT_SENT = ['suppressed', 'failed', 'dead'];

export class KyselyDecisionStore implements DecisionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getPolicy(workspaceId: string): Promise<StoredPolicy | undefined> {
    const row = await this.db
      .selectFrom('policies')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!row) return undefined;
    return { workspaceId, policy: JSON.parse(row.policy), updatedAt: Number(row.updated_at) };
  }

  async putPolicy(policy: StoredPolicy): Promise<void> {
    const row = {
      workspace_id: policy.workspaceId,
      policy: JSON.stringify(policy.policy),
      updated_at: policy.updatedAt,
    };
    await this.db
      .insertInto('policies')
      .values(row)
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ policy: row.policy, updated_at: row.updated_at }))
      .execute();
  }

  async recentSends(query: Parameters<DecisionStore['recentSends']>[0]): Promise<SendRow[]> {
    const { workspaceId, since } = query;
    const out: SendRow[] = [];
    for (const part of chunk([...query.customerIds], 500)) {
      const rows = await this.db
        .selectFrom('outbox')
        .select([
          'workspace_id',
          'customer_id',
          'idempotency_key',
          'journey_id',
          'channel',
          'message_class',
          'status',
          'created_at',
          'sent_at',
          'next_attempt_at',
        ])
        // Workspace filtered below (storage README, "Customer-keyed reads"): with it here, 220 ms a chunk at 200k messages.
        .where('customer_id', 'in', part)
        // A range on (customer_id, created_at); a delayed message queued before `since` is in it too.
        .where('created_at', '>=', query.queuedSince)
        .where('kind', '=', 'message')
        .where('status', 'not in', NOT_SENT)
        .execute();
      for (const row of rows) {
        if (row.channel === null || row.workspace_id !== workspaceId) continue;
        // Sent: when it went; else when it is due (a decided send's planned time), or when queued (older rows).
        const due = Number(row.next_attempt_at) > 0 ? row.next_attempt_at : row.created_at;
        const at = row.status === 'scheduled' ? row.next_attempt_at : (row.sent_at ?? due);
        if (Number(at) < since) continue;
        out.push({
          customerId: row.customer_id,
          idempotencyKey: row.idempotency_key,
          journeyId: row.journey_id,
          channel: row.channel,
          messageClass: row.message_class ?? 'marketing',
          at: Number(at),
          scheduled: row.status === 'scheduled',
        });
      }
    }
    return out;
  }

  async engagementOf(workspaceId: string, customerIds: readonly string[]): Promise<EngagementRow[]> {
    const out: EngagementRow[] = [];
    for (const part of chunk([...customerIds], 500)) {
      const rows = await this.db
        .selectFrom('engagement_counts')
        .select(['customer_id', 'channel', 'hour_of_week', 'sends', 'responses'])
        .where('workspace_id', '=', workspaceId)
        .where('customer_id', 'in', part)
        .execute();
      for (const r of rows) {
        out.push({
          customerId: r.customer_id,
          channel: r.channel,
          hourOfWeek: Number(r.hour_of_week),
          sends: Number(r.sends),
          responses: Number(r.responses),
        });
      }
    }
    return out;
  }

  async recentEvents(query: Parameters<DecisionStore['recentEvents']>[0]): Promise<RecentEventRow[]> {
    if (query.names.length === 0) return [];
    const out: RecentEventRow[] = [];
    for (const part of chunk([...query.customerIds], 500)) {
      const rows = await this.db
        .selectFrom('events')
        .select(['workspace_id', 'customer_id', 'event', 'timestamp', 'payload'])
        .where('customer_id', 'in', part) // workspace filtered below: storage README, "Customer-keyed reads"
        .where('timestamp', '>=', query.since)
        .where('event', 'in', [...query.names])
        .orderBy('timestamp')
        .execute();
      for (const r of rows) {
        if (r.workspace_id !== query.workspaceId) continue;
        const payload = JSON.parse(r.payload) as { properties?: Record<string, unknown> };
        out.push({
          customerId: r.customer_id as string,
          name: r.event as string,
          at: Number(r.timestamp),
          properties: payload.properties ?? {},
        });
      }
    }
    return out;
  }

  async convertedCustomers(query: Parameters<DecisionStore['convertedCustomers']>[0]): Promise<string[]> {
    const day = dayOf('timestamp');
    const rows = await this.db
      .selectFrom('events')
      .select('customer_id')
      .distinct()
      .where('workspace_id', '=', query.workspaceId)
      .where(day, '>=', dayFloor(query.since))
      .where(day, '<=', dayFloor(query.until))
      .where('timestamp', '>=', query.since)
      .where('timestamp', '<', query.until)
      .where('type', '=', 'track')
      .where('event', '=', query.event)
      .where('customer_id', 'is not', null)
      .execute();
    return rows.map((r) => r.customer_id as string);
  }

  async countResponse(response: EngagementResponse): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('engagement_responses')
        .values({ workspace_id: response.workspaceId, idempotency_key: response.idempotencyKey, at: response.at })
        .onConflict((oc) => oc.columns(['workspace_id', 'idempotency_key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await addEngagement(trx, [{ ...response, sends: 0, responses: 1 }]);
      return true;
    });
  }

  async scheduledMessages(workspaceId: string, keys: readonly string[]): Promise<OutboxRecord[]> {
    const out: OutboxRecord[] = [];
    for (const part of chunk([...new Set(keys)], 500)) {
      const rows = await this.db
        .selectFrom('outbox')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('idempotency_key', 'in', part)
        .where('status', '=', 'scheduled')
        .execute();
      out.push(...rows.map(outboxFromRow));
    }
    return out;
  }

  async population(workspaceId: string): Promise<PopulationAggregates> {
    // Per customer and channel first, then the moments over customers with two sends or more.
    const perCustomer = this.db
      .selectFrom('engagement_counts')
      .select(['customer_id', 'channel'])
      .select((eb) => [eb.fn.sum<number>('sends').as('n'), eb.fn.sum<number>('responses').as('r')])
      .where('workspace_id', '=', workspaceId)
      .groupBy(['customer_id', 'channel'])
      .as('c');
    const rate = sql<number>`(1.0 * c.r / c.n)`;
    const channels = await this.db
      .selectFrom(perCustomer)
      .select('c.channel')
      .select([
        sql<number>`sum(case when c.n >= 2 then 1 else 0 end)`.as('customers'),
        sql<number>`sum(case when c.n >= 2 then ${rate} else 0 end)`.as('sum_rate'),
        sql<number>`sum(case when c.n >= 2 then ${rate} * ${rate} else 0 end)`.as('sum_rate_squared'),
        sql<number>`sum(case when c.n >= 2 then ${rate} * (1 - ${rate}) / (c.n - 1) else 0 end)`.as('sum_noise'),
        sql<number>`sum(c.n)`.as('sends'),
        sql<number>`sum(c.r)`.as('responses'),
      ])
      .where('c.n', '>', 0)
      .groupBy('c.channel')
      .execute();
    const hours = await this.db
      .selectFrom('engagement_counts')
      .select(['channel', 'hour_of_week'])
      .select((eb) => [eb.fn.sum<number>('sends').as('sends'), eb.fn.sum<number>('responses').as('responses')])
      .where('workspace_id', '=', workspaceId)
      .groupBy(['channel', 'hour_of_week'])
      .execute();
    return {
      channels: channels.map((c) => ({
        channel: c.channel,
        customers: Number(c.customers),
        sumRate: Number(c.sum_rate),
        sumRateSquared: Number(c.sum_rate_squared),
        sumNoise: Number(c.sum_noise),
        sends: Number(c.sends),
        responses: Number(c.responses),
      })),
      hours: hours.map((h) => ({
        channel: h.channel,
        hourOfWeek: Number(h.hour_of_week),
        sends: Number(h.sends),
        responses: Number(h.responses),
      })),
    };
  }
}

/** Adds to the counters, inside a caller's transaction too (the journey change counts its sends with its outbox rows). */
export async function addEngagement(
  db: Kysely<Database> | Transaction<Database>,
  increments: readonly EngagementIncrement[],
): Promise<void> {
  for (const part of chunk(sumIncrements(increments), 300)) {
    await db
      .insertInto('engagement_counts')
      .values(
        part.map((i) => ({
          workspace_id: i.workspaceId,
          customer_id: i.customerId,
          channel: i.channel,
          hour_of_week: i.hourOfWeek,
          sends: i.sends,
          responses: i.responses,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'customer_id', 'channel', 'hour_of_week']).doUpdateSet({
          sends: sql`engagement_counts.sends + excluded.sends`,
          responses: sql`engagement_counts.responses + excluded.responses`,
        }),
      )
      .execute();
  }
}

/** One row per key: a statement may not update the same row twice. */
export function sumIncrements(increments: readonly EngagementIncrement[]): EngagementIncrement[] {
  const byKey = new Map<string, EngagementIncrement>();
  for (const i of increments) {
    const key = `${i.workspaceId}\u0000${i.customerId}\u0000${i.channel}\u0000${i.hourOfWeek}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, sends: seen.sends + i.sends, responses: seen.responses + i.responses } : i);
  }
  return [...byKey.values()];
}
