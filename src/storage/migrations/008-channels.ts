import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.ts';

/**
 * Workspace secrets (webhook signing secrets, VAPID keys, provider credentials), encrypted by the
 * secret box before they reach this table; and in-app messages waiting for their customer to connect.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('workspace_secrets')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // `gwsb1:` + AES-256-GCM ciphertext; never the plaintext.
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('workspace_secrets_pk', ['workspace_id', 'name'])
    .execute();

  // The id is the outbox key, so a send repeated after a crash stores the message once.
  await db.schema
    .createTable('in_app_messages')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    // Null until a connected browser received it.
    .addColumn('delivered_at', bigint)
    .addPrimaryKeyConstraint('in_app_messages_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('in_app_messages_customer')
    .on('in_app_messages')
    .columns(['customer_id', 'delivered_at'])
    .execute();
}
