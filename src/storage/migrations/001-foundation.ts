import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.ts';

export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addUniqueConstraint('users_workspace_email', ['workspace_id', 'email'])
    .execute();

  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('traits', 'text', (c) => c.notNull())
    .addColumn('trait_times', 'text', (c) => c.notNull())
    .addColumn('consent', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text')
    .addColumn('locale', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('customers_workspace_created')
    .on('customers')
    .columns(['workspace_id', 'created_at'])
    .execute();

  // The primary key leads with value so that "which customer owns these values" is one index scan.
  await db.schema
    .createTable('identities')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('identities_pk', ['workspace_id', 'value', 'kind'])
    .execute();
  await db.schema.createIndex('identities_customer').on('identities').column('customer_id').execute();

  await db.schema
    .createTable('events')
    // Seq numbers are never reused, even after the newest events are deleted (readers resume after
    // the last seq they saw), so SQLite needs AUTOINCREMENT rather than a plain rowid alias.
    .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('event', 'text')
    .addColumn('user_id', 'text')
    .addColumn('anonymous_id', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('timestamp', bigint, (c) => c.notNull())
    .addColumn('received_at', bigint, (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addUniqueConstraint('events_message', ['workspace_id', 'message_id'])
    .execute();
  await db.schema.createIndex('events_timeline').on('events').columns(['customer_id', 'timestamp', 'seq']).execute();

  await db.schema
    .createTable('identity_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_customer_id', 'text', (c) => c.notNull())
    .addColumn('into_customer_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('identity_audit_into').on('identity_audit').columns(['into_customer_id']).execute();

  await db.schema
    .createTable('cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', bigint, (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('lease_until', bigint, (c) => c.notNull())
    .execute();
}
