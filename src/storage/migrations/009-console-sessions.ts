import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.ts';

/**
 * Console sign-in: browser sessions (only hashes of the session and CSRF tokens are stored) and each
 * admin's console language. Aggregates for the overview read the event log by workspace and time.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('console_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('csrf_hash', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('expires_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_user').on('console_sessions').column('user_id').execute();

  // Null: follow the browser's language.
  await db.schema.alterTable('users').addColumn('locale', 'text').execute();
}
