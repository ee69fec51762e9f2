import { Kysely, PostgresDialect, type RawBuilder, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { KyselyStore } from '../kysely-store.ts';
import { migrateToLatest } from '../migrations/index.ts';
import type { Database } from '../schema.ts';
import type { NewEvent, ResolutionChange } from '../store.ts';

// int8 columns (times, sequence numbers) fit in a double for the next 285,000 years.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Advisory lock key that serialises event-log appends. */
const EVENT_LOG_LOCK = 7_001_001;

/** The scale-out store: PostgreSQL through a connection pool. */
export class PostgresStore extends KyselyStore {
  readonly dialect = 'postgres' as const;
  readonly writeConcurrency = 4;

  private constructor(pool: pg.Pool) {
    super(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }));
  }

  static async open(url: string, options: { poolSize?: number } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
    // A broken idle connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const store = new PostgresStore(pool);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.db as Kysely<unknown>, { dialect: 'postgres' });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** One statement per call however many events: arrays travel as 9 parameters through unnest. */
  async appendEvents(events: readonly NewEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      // Appends take turns so sequence numbers commit in order: a reader that has seen seq N
      // can never later find an N-1 that was still in flight.
      await sql`select pg_advisory_xact_lock(${EVENT_LOG_LOCK})`.execute(trx);
      const result = await sql`
      insert into events (workspace_id, message_id, type, event, user_id, anonymous_id, timestamp, received_at, payload)
      select * from unnest(
        ${events.map((e) => e.workspaceId)}::text[], ${events.map((e) => e.messageId)}::text[],
        ${events.map((e) => e.type)}::text[], ${events.map((e) => e.event)}::text[],
        ${events.map((e) => e.userId)}::text[], ${events.map((e) => e.anonymousId)}::text[],
        ${events.map((e) => e.timestamp)}::bigint[], ${events.map((e) => e.receivedAt)}::bigint[],
        ${events.map((e) => e.payload)}::text[])
      on conflict (workspace_id, message_id) do nothing`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    });
  }

  protected async assignEvents(trx: Transaction<Database>, pairs: ResolutionChange['assignEvents']): Promise<void> {
    if (pairs.length === 0) return;
    await sql`
      update events set customer_id = v.customer_id
      from unnest(${pairs.map((p) => p.seq)}::bigint[], ${pairs.map((p) => p.customerId)}::text[]) as v(seq, customer_id)
      where events.seq = v.seq`.execute(trx);
  }

  protected traitText(name: string): RawBuilder<string | null> {
    return sql<string | null>`(traits::jsonb ->> ${name})`;
  }

  protected traitValueLike(pattern: string): RawBuilder<boolean> {
    return sql<boolean>`exists (select 1 from jsonb_each_text(customers.traits::jsonb) as t(key, value)
      where lower(t.value) like ${pattern} escape '\\')`;
  }
}
