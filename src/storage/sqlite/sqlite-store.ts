import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type RawBuilder, SqliteDialect, sql, type Transaction } from 'kysely';
import { KyselyStore } from '../kysely-store.ts';
import { migrateToLatest } from '../migrations/index.ts';
import type { Database } from '../schema.ts';
import type { NewEvent, ResolutionChange } from '../store.ts';
import { SqliteProcessorWrites } from './sqlite-processor-writes.ts';

/**
 * The embedded store: one SQLite file in WAL mode. Every statement, raw or through Kysely,
 * runs on one connection behind Kysely's connection lock, so bulk paths never interleave
 * with an open transaction.
 */
export class SqliteStore extends KyselyStore {
  readonly dialect = 'sqlite' as const;
  readonly writeConcurrency = 1;
  private readonly insertEvent: BetterSqlite3.Statement;
  private readonly processorWrites: SqliteProcessorWrites;

  private constructor(private readonly raw: BetterSqlite3.Database) {
    super(new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) }));
    this.insertEvent = raw.prepare(
      `insert into events (workspace_id, message_id, type, event, user_id, anonymous_id, timestamp, received_at, payload)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (workspace_id, message_id) do nothing`,
    );
    this.processorWrites = new SqliteProcessorWrites(raw);
  }

  /** Opens (creating if needed) the database file and brings its schema up to date. */
  static async open(file: string): Promise<SqliteStore> {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const raw = new BetterSqlite3(file);
    raw.pragma('journal_mode = WAL');
    // FULL: a commit is fsynced before the HTTP 200 that acknowledges it.
    raw.pragma('synchronous = FULL');
    raw.pragma('busy_timeout = 10000');
    // Fewer, larger checkpoints keep batched inserts fast (see DESIGN.md, group commit).
    raw.pragma('wal_autocheckpoint = 20000');
    // 64 MiB of page cache (the default is 2 MiB): the profile processor looks up identities and
    // customers at random, and with more index pages cached each lookup cost about a quarter less here.
    raw.pragma('cache_size = -65536');
    raw.pragma('foreign_keys = ON');
    // Zero the old copy whenever a row moves or shrinks (e.g. an event gaining its customer id):
    // without it, stale copies of erased data stay in pages' free space. FAST adds no I/O.
    raw.pragma('secure_delete = FAST');
    await migrateToLatest(new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) }), {
      dialect: 'sqlite',
    });
    return new SqliteStore(raw);
  }

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.db as Kysely<unknown>, { dialect: 'sqlite' });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async appendEvents(events: readonly NewEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.db.connection().execute(async () => this.insertAll(events));
  }

  private insertAll(events: readonly NewEvent[]): number {
    let inserted = 0;
    this.raw.transaction(() => {
      for (const e of events) {
        inserted += this.insertEvent.run(
          e.workspaceId,
          e.messageId,
          e.type,
          e.event,
          e.userId,
          e.anonymousId,
          e.timestamp,
          e.receivedAt,
          e.payload,
        ).changes;
      }
    })();
    return inserted;
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
    return sql<boolean>`exists (select 1 from json_each(customers.traits) as t
      where lower(case t.type when 'true' then 'true' when 'false' then 'false' else cast(t.value as text) end)
      like ${pattern} escape '\\')`;
  }
}
