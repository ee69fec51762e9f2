import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.ts';

/**
 * Addresses that must not be sent to again (hard bounces, complaints, added by hand), per workspace
 * and channel; and subscription groups, the named consent topics a workspace offers its customers.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  // One row per address and channel: a second bounce keeps the first reason (the list says why it started).
  // Address before channel, so one lookup finds a customer's addresses on every channel.
  await db.schema
    .createTable('suppressions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    // Normalised: email lower-cased, phone E.164.
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    // The outbox key of the message that bounced or was complained about; null when added by hand.
    .addColumn('source_message', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('suppressions_pk', ['workspace_id', 'address', 'channel'])
    .execute();
  await db.schema
    .createIndex('suppressions_recent')
    .on('suppressions')
    .columns(['workspace_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('subscription_groups')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    // The consent topic the group stands for (`newsletter`).
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // JSON array of the channels it is offered on.
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('subscription_groups_pk', ['workspace_id', 'id'])
    .execute();
}
