import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, type RawBuilder, SqliteDialect, sql, type Transaction } from 'kysely';
import { KyselyStore } from '../kysely-store.ts';
import { migrateToLatest } from '../migrations/index.ts';
import { InProcessLocks } from '../named-locks.ts';
import type { Database } from '../schema.ts';
import type { NewEvent, ResolutionChange } from '../store.ts';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.ts';
import { SqliteAppendWorker } from './sqlite-append-worker-client.ts';
import { openSqliteConnection, writeLockOf } from './sqlite-connection.ts';
import { SqliteDeliveryWrites } from './sqlite-delivery-writes.ts';
import { SqliteEventInserter } from './sqlite-event-inserter.ts';
import { SqliteJourneyWrites } from './sqlite-journey-writes.ts';
import { SqliteProcessorWrites } from './sqlite-processor-writes.ts';
import { withStatementCache } from './statement-cache.ts';
import { WriteLock } from './write-lock.ts';

/**
 * The embedded store: one SQLite file in WAL mode. Every statement, raw or through Kysely,
 * runs on one connection behind Kysely's connection lock, so bulk paths never interleave
 * with an open transaction. Event appends on the append worker's connection hold that lock too.
 * Writes on every connection of the process to the file (this one, the append worker's, the
 * journey thread's store) take turns under one WriteLock.
 */
export class SqliteStore extends KyselyStore {
  readonly dialect = 'sqlite' as const;
  readonly writeConcurrency = 1;
  /** In-process: the server owns the file. A CLI command changing journeys beside a running server is not covered. */
  readonly locks = new InProcessLocks();
  private readonly inserter: SqliteEventInserter;
  private readonly processorWrites: SqliteProcessorWrites;

  private constructor(
    private readonly raw: BetterSqlite3.Database,
    private readonly appendWorker: SqliteAppendWorker | undefined,
  ) {
    const db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: withStatementCache(raw), lock: writeLockOf(raw) }),
    });
    const journeyWrites = new SqliteJourneyWrites(raw);
    const deliveryWrites = new SqliteDeliveryWrites(raw);
    super(
      db,
      { applyChange: (change) => db.connection().execute(async () => journeyWrites.apply(change)) },
      {
        writes: {
          claimDue: (options) => db.connection().execute(async () => deliveryWrites.claimDue(options)),
          recordOutcomes: (outcomes) => db.connection().execute(async () => deliveryWrites.recordOutcomes(outcomes)),
        },
      },
    );
    this.inserter = new SqliteEventInserter(raw);
    this.processorWrites = new SqliteProcessorWrites(raw);
  }

  /**
   * Opens (creating if needed) the database file and brings its schema up to date. `appendWorker`
   * moves event appends to a worker thread with its own connection (the server; see SqliteAppendWorker);
   * otherwise they run in this thread, which is cheapest for a single caller. `writeLock`: the
   * WriteLock buffer of another thread's store on the same file (the journey thread's gets the server's).
   */
  static async open(
    file: string,
    options: { appendWorker?: boolean; writeLock?: SharedArrayBuffer } = {},
  ): Promise<SqliteStore> {
    const raw = openSqliteConnection(file, new WriteLock(options.writeLock));
    await migrateToLatest(new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) }), {
      dialect: 'sqlite',
    });
    const worker =
      options.appendWorker && file !== ':memory:' ? new SqliteAppendWorker(file, writeLockOf(raw).buffer) : undefined;
    await worker?.ready();
    return new SqliteStore(raw, worker);
  }

  /** Shared with the threads that open the same file (SqliteStore.open's `writeLock`). */
  get writeLock(): SharedArrayBuffer {
    return writeLockOf(this.raw).buffer;
  }

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.db as Kysely<unknown>, { dialect: 'sqlite' });
  }

  async close(): Promise<void> {
    await this.appendWorker?.close();
    await this.db.destroy();
  }

  async appendEvents(events: readonly NewEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    // The connection lock is held while the worker writes too, so this connection never contends with it.
    return this.db
      .connection()
      .execute(async () => (this.appendWorker ? this.appendWorker.append(events) : this.inserter.insertAll(events)));
  }

  /** Erasure also scrubs the bytes: freed pages are zeroed and the WAL, which still holds old pages, is emptied. */
  override async deleteCustomer(workspaceId: string, customerId: string): Promise<boolean> {
    this.raw.pragma('secure_delete = ON');
    try {
      return await super.deleteCustomer(workspaceId, customerId);
    } finally {
      this.raw.pragma('secure_delete = FAST');
      await this.db.connection().execute(async () => this.raw.pragma('wal_checkpoint(TRUNCATE)'));
    }
  }

  override async applyResolution(change: ResolutionChange): Promise<void> {
    await this.db.connection().execute(async () => this.processorWrites.applyChange(change));
  }

  override async acquireCursor(options: {
    name: string;
    owner: string;
    now: number;
    leaseMs: number;
  }): Promise<number | undefined> {
    return this.db.connection().execute(async () => this.processorWrites.acquireCursor(options));
  }

  protected async assignEvents(_trx: Transaction<Database>, pairs: ResolutionChange['assignEvents']): Promise<void> {
    // The caller's transaction holds the one connection, so these run inside it.
    this.processorWrites.assignEvents(pairs);
  }

  // JSON true/false read as 1/0 in SQLite; spell them as PostgreSQL's ->> does so filters agree.
  protected traitText(name: string): RawBuilder<string | null> {
    const path = `$."${name.replace(/"/g, '""')}"`;
    return sql<string | null>`(case json_type(traits, ${path}) when 'true' then 'true' when 'false' then 'false'
      else cast(json_extract(traits, ${path}) as text) end)`;
  }

  protected traitValueLike(pattern: string): RawBuilder<boolean> {
    const value = sql<string>`(case t.type when 'true' then 'true' when 'false' then 'false' else cast(t.value as text) end)`;
    return sql<boolean>`exists (select 1 from json_each(customers.traits) as t
      where ${this.lowerCase(value, pattern)} like ${pattern} escape '\\')`;
  }

  // SQLite's lower() folds ASCII only ('ÉCOLE' → 'École'): other text goes through JavaScript's.
  protected lowerCase(text: RawBuilder<string>, lowerText: string): RawBuilder<string> {
    return /[\u0080-\uffff]/.test(lowerText) ? sql<string>`unicode_lower(${text})` : sql<string>`lower(${text})`;
  }
}
