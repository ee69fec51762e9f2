import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.ts';

/**
 * What the decision engine keeps: each workspace's communication policy, engagement counters per
 * customer × channel × hour of week (sends decided, responses seen), the messages already credited
 * with a response, and on the outbox the message's class (caps count by class).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('policies')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    // The policy as applied (JSON), validated by the schema on the way in.
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  // One row per customer, channel and hour of week (in the customer's zone) that ever had a send.
  await db.schema
    .createTable('engagement_counts')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('hour_of_week', 'integer', (c) => c.notNull())
    .addColumn('sends', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('responses', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('engagement_counts_pk', ['workspace_id', 'customer_id', 'channel', 'hour_of_week'])
    .execute();
  // An open then a click is one response: the first one inserts here and counts.
  await db.schema
    .createTable('engagement_responses')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('engagement_responses_pk', ['workspace_id', 'idempotency_key'])
    .execute();
  await db.schema.alterTable('outbox').addColumn('message_class', 'text').execute();
}
