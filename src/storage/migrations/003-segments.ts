import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.ts';

/** Segment definitions, who is in each segment since when, and one re-evaluation timer per customer and segment. */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('segments')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    // Bumped on every save, so a re-evaluation of every customer started for an older definition stops.
    .addColumn('version', 'integer', (c) => c.notNull())
    // The customer id the re-evaluation of every customer has reached ('' = not started); null when done.
    .addColumn('backfill_after', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('segments_pk', ['workspace_id', 'id'])
    .execute();

  // No unique key on (segment, customer): a merge moves the merged customer's rows onto the surviving
  // one, which may already have its own; the runtime collapses such pairs when it next evaluates them.
  await db.schema
    .createTable('segment_memberships')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('since', bigint, (c) => c.notNull())
    .execute();
  // Size and members pages walk this in customer order.
  await db.schema
    .createIndex('segment_memberships_members')
    .on('segment_memberships')
    .columns(['workspace_id', 'segment_id', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('segment_memberships_customer')
    .on('segment_memberships')
    .columns(['customer_id'])
    .execute();

  await db.schema
    .createTable('segment_timers')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('due_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('segment_timers_due').on('segment_timers').columns(['due_at']).execute();
  await db.schema
    .createIndex('segment_timers_customer')
    .on('segment_timers')
    .columns(['customer_id', 'segment_id'])
    .execute();
}
