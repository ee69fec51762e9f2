import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.ts';

/** Journeys, their versions, runs, timers, per-node counts and the outbox journeys write to. */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  // One row per journey: its status and which version new runs start on.
  await db.schema
    .createTable('journeys')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('journeys_pk', ['workspace_id', 'id'])
    .execute();

  // Every version ever made live stays, so runs in flight finish on the one they started on.
  await db.schema
    .createTable('journey_versions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('journey_versions_pk', ['workspace_id', 'journey_id', 'version'])
    .execute();

  await db.schema
    .createTable('journey_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    // The node a waiting run is parked at, for "waiting" counts per node.
    .addColumn('node_id', 'text')
    .addColumn('started_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('journey_runs_customer').on('journey_runs').columns(['customer_id', 'status']).execute();
  // Runs of a journey newest first (ids sort by start time).
  await db.schema
    .createIndex('journey_runs_journey')
    .on('journey_runs')
    .columns(['workspace_id', 'journey_id', 'id'])
    .execute();

  await db.schema
    .createTable('journey_timers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('due_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('journey_timers_due').on('journey_timers').columns(['due_at']).execute();
  await db.schema.createIndex('journey_timers_customer').on('journey_timers').columns(['customer_id']).execute();

  await db.schema
    .createTable('journey_node_counts')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // '' when the count is not per branch.
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('count', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('journey_node_counts_pk', [
      'workspace_id',
      'journey_id',
      'version',
      'node_id',
      'kind',
      'branch',
    ])
    .execute();

  // Written in the same transaction as the step that decided it; delivery workers take it from here.
  await db.schema
    .createTable('outbox')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('journey_id', 'text')
    .addColumn('node_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('outbox_pk', ['workspace_id', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('outbox_status').on('outbox').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('outbox_customer').on('outbox').columns(['customer_id', 'created_at']).execute();
}
