import { Kysely, PostgresDialect, type RawBuilder, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { KyselyStore } from '../kysely-store.ts';
import { migrateToLatest } from '../migrations/index.ts';
import type { Database } from '../schema.ts';
import type { NewEvent, ResolutionChange } from '../store.ts';
import { postgresClaimDue, postgresRecordOutcomes } from './postgres-delivery-writes.ts';
import { PostgresNamedLocks } from './postgres-named-locks.ts';

// int8 columns (times, sequence numbers) fit in a double for the next 285,000 years.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Advisory lock key that serialises event-log appends. */
const EVENT_LOG_LOCK = 7_001_001;
const APPEND_STATEMENT_ROWS = 500;

/** Appends take turns so sequence numbers commit in order: a reader that has seen seq N can never later find an N-1. */
async function lockEventLog(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${EVENT_LOG_LOCK})`.execute(trx);
}

/** The scale-out store: PostgreSQL through a connection pool. */
export class PostgresStore extends KyselyStore {
  readonly dialect = 'postgres' as const;
  readonly writeConcurrency = 4;

  private constructor(
    pool: pg.Pool,
    readonly locks: PostgresNamedLocks,
  ) {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    super(
      db,
      { lockEventLog },
      { writes: { claimDue: postgresClaimDue(db), recordOutcomes: postgresRecordOutcomes(db) } },
    );
  }

  static async open(url: string, options: { poolSize?: number } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
    // A broken idle connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    // Nor one checked out between two queries of a transaction (a server restart, a terminated
    // backend): pg emits the error on the client, and its next query fails instead.
    pool.on('connect', (client) => {
      client.on('error', () => {});
      // No JIT: Godwit's queries are short, and where the planner overestimated a LIMITed scan, compiling
      // it took 86 ms of a 0.3 ms search (storage README). A SET, not a startup option, which poolers such
      // as PgBouncer refuse; where it cannot apply, queries run as before.
      client.query('set jit = off').catch(() => {});
    });
    const store = new PostgresStore(pool, new PostgresNamedLocks(url));
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.db as Kysely<unknown>, { dialect: 'postgres' });
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.locks.close();
  }

  /**
   * One transaction per call; the rows travel as 9 array parameters through unnest, 500 rows per
   * statement: a single statement of thousands of rows inserted at about half the rate here.
   */
  async appendEvents(events: readonly NewEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      await lockEventLog(trx);
      let inserted = 0;
      for (let start = 0; start < events.length; start += APPEND_STATEMENT_ROWS) {
        const part = events.slice(start, start + APPEND_STATEMENT_ROWS);
        const result = await sql`
        insert into events (workspace_id, message_id, type, event, user_id, anonymous_id, timestamp, received_at, payload)
        select * from unnest(
          ${part.map((e) => e.workspaceId)}::text[], ${part.map((e) => e.messageId)}::text[],
          ${part.map((e) => e.type)}::text[], ${part.map((e) => e.event)}::text[],
          ${part.map((e) => e.userId)}::text[], ${part.map((e) => e.anonymousId)}::text[],
          ${part.map((e) => e.timestamp)}::bigint[], ${part.map((e) => e.receivedAt)}::bigint[],
          ${part.map((e) => e.payload)}::text[])
        on conflict (workspace_id, message_id) do nothing`.execute(trx);
        inserted += Number(result.numAffectedRows ?? 0);
      }
      return inserted;
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

  protected lowerCase(text: RawBuilder<string>): RawBuilder<string> {
    return sql<string>`lower(${text})`;
  }

  protected traitValueLike(pattern: string): RawBuilder<boolean> {
    return sql<boolean>`exists (select 1 from jsonb_each_text(customers.traits::jsonb) as t(key, value)
      where lower(t.value) like ${pattern} escape '\\')`;
  }
}
