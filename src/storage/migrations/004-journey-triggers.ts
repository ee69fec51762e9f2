import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.ts';

/**
 * Timers of schedule and date-trait triggers. A row with a customer is that customer's next
 * date-trait start; a row without one is the journey's own: the next schedule occurrence, or the
 * walk over every customer that sets their date-trait timers (kept with no due time once done, so
 * the runtime knows that trigger has been planned).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  // No unique key on (journey, customer): a merge moves the merged customer's row onto the surviving
  // one, which may have its own; the runtime replaces every row of the pair when it next sets one.
  await db.schema
    .createTable('journey_trigger_timers')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    // 'date' (a customer's), 'schedule' or 'backfill' (the journey's own).
    .addColumn('kind', 'text', (c) => c.notNull())
    // The trigger (and journey zone) the row was planned for: a version that changes neither keeps it.
    .addColumn('plan', 'text', (c) => c.notNull())
    // Null: nothing left to do (a finished backfill).
    .addColumn('due_at', bigint)
    // Schedule: the previous occurrence; customers whose local occurrence falls after it and by due_at start.
    .addColumn('since', bigint)
    // Walks: the last customer id done in this occurrence or backfill ('' = none yet).
    .addColumn('after', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('journey_trigger_timers_due').on('journey_trigger_timers').columns(['due_at']).execute();
  await db.schema
    .createIndex('journey_trigger_timers_pair')
    .on('journey_trigger_timers')
    .columns(['workspace_id', 'journey_id', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('journey_trigger_timers_customer')
    .on('journey_trigger_timers')
    .columns(['customer_id'])
    .execute();
}
