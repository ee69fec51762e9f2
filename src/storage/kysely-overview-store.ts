import type { Kysely } from 'kysely';
import type { DailyActivity, MessageCount, OverviewStore } from './overview-store.ts';
import type { Database } from './schema.ts';
import { DAY_MS, dayFloor, dayOf } from './workspace-days.ts';

/** Each read bounds the day first, so it walks only the window, through its `*_workspace_day` index. */
export class KyselyOverviewStore implements OverviewStore {
  constructor(private readonly db: Kysely<Database>) {}

  async dailyActivity(workspaceId: string, since: number): Promise<DailyActivity[]> {
    const day = dayOf('timestamp');
    const rows = await this.db
      .selectFrom('events')
      .select([
        day.as('day'),
        (eb) => eb.fn.countAll().as('events'),
        (eb) => eb.fn.count('customer_id').distinct().as('customers'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where(day, '>=', dayFloor(since))
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
      .where(dayOf('created_at'), '>=', dayFloor(since))
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
      .where(dayOf('at'), '>=', dayFloor(since))
      .where('at', '>=', since)
      .groupBy('kind')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.messages)]));
  }
}
