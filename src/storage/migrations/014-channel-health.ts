import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.ts';

/**
 * Which channels' providers are failing, as the delivery workers' circuit breakers see them, so the
 * decision engine (in whatever process runs journeys) can send `best` messages another way. Providers
 * are the deployment's, not a workspace's, so one row per channel.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('channel_health')
    .addColumn('channel', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    // Failing until then; 0 once a send went through again.
    .addColumn('unhealthy_until', bigint, (c) => c.notNull())
    // The last transient failure, in words.
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
}
