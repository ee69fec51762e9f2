import { type Kysely, sql } from 'kysely';
import type { DailyActivity, MessageCount, OverviewStore } from './overview-store.ts';
import type { Database } from './schema.ts';

const DAY_MS = 86_400_000;

export class KyselyOverviewStore implements OverviewStore {
  constructor(private readonly db: Kysely<Database>) {}

  async dailyActivity(workspaceId: string, since: number): Promise<DailyActivity[]> {
    // Integer division of integer columns truncates in both SQLite and PostgreSQL.
    const day = sql<number>`timestamp / ${sql.lit(DAY_MS)}`;
    const rows = await this.db
      .selectFrom('events')
      .select([
        day.as('day'),
        (eb) => eb.fn.countAll().as('events'),
        (eb) => eb.fn.count('customer_id').distinct().as('customers'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where('timestamp', '>=', since)
      .groupBy(day)
      .orderBy(day)
      .execute();
    return rows.map((r) => ({ day: Number(r.day) * DAY_MS, events: Number(r.events), customers: Number(r.customers) }));
  }

  async messageCounts(workspaceId: string, since: number): Promise<MessageCount[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['channel', 'status', (eb) => eb.fn.countAll().as('count')])
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'message')
      .where('created_at', '>=', since)
      .groupBy(['channel', 'status'])
      .orderBy('channel')
      .orderBy('status')
      .execute();
    return rows.map((r) => ({ channel: r.channel, status: r.status, count: Number(r.count) }));
  }

  async deliveryEventCounts(workspaceId: string, since: number): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('delivery_events')
      .select(['kind', (eb) => eb.fn.count('idempotency_key').distinct().as('messages')])
      .where('workspace_id', '=', workspaceId)
      .where('at', '>=', since)
      .groupBy('kind')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.messages)]));
  }
}
