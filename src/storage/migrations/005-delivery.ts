import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.ts';

/**
 * What delivery needs on the outbox (attempts, the next attempt's time, the claim lease, the
 * provider's answer, the rendered content) and the `delivery_events` each message collects.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  const columns: [string, 'text' | 'integer' | 'bigint', boolean][] = [
    ['attempts', 'integer', true],
    // A claim moves it to the lease's end, so one index finds both due entries and expired claims.
    ['next_attempt_at', bigint, true],
    ['claimed_by', 'text', false],
    ['claimed_until', bigint, false],
    ['provider', 'text', false],
    ['provider_message_id', 'text', false],
    ['last_error', 'text', false],
    ['sent_at', bigint, false],
    ['content', 'text', false],
  ];
  // SQLite adds one column per statement.
  for (const [name, type, counted] of columns) {
    await db.schema
      .alterTable('outbox')
      .addColumn(name, type, (c) => (counted ? c.notNull().defaultTo(0) : c))
      .execute();
  }
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
  // Status callbacks name the provider's id for a message.
  await db.schema.createIndex('outbox_provider_message').on('outbox').columns(['provider_message_id']).execute();

  await db.schema
    .createTable('delivery_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', bigint, (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('delivery_events_message')
    .on('delivery_events')
    .columns(['workspace_id', 'idempotency_key', 'at'])
    .execute();
  await db.schema.createIndex('delivery_events_customer').on('delivery_events').columns(['customer_id']).execute();
}
