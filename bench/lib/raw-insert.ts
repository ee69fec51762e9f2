import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestionService } from '../../src/ingestion/ingestion-service.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { PostgresStore } from '../../src/storage/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import type { NewEvent, Store } from '../../src/storage/store.ts';
import { createTestPostgresDatabase } from '../../src/storage/test-databases.ts';
import type { BatchBody } from './segment-messages.ts';

export type StoreKind = 'sqlite' | 'postgres';

/**
 * The baseline the HTTP path is compared with: the same event rows appended straight through the
 * store adapter (SQLite: the same prepared INSERT, one transaction per batch; PostgreSQL: the same
 * unnest insert), into a fresh database with the same schema and settings, from one caller.
 */
export class RawInsert {
  private constructor(
    readonly store: Store,
    private readonly dispose: () => Promise<void>,
  ) {}

  static async open(kind: StoreKind): Promise<RawInsert> {
    if (kind === 'postgres') {
      const database = await createTestPostgresDatabase();
      const store = await PostgresStore.open(database.url);
      return new RawInsert(store, async () => {
        await store.close();
        await database.drop();
      });
    }
    const dir = mkdtempSync(join(tmpdir(), 'godwit-bench-raw-'));
    const store = await SqliteStore.open(join(dir, 'godwit.db'));
    return new RawInsert(store, async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
  }

  /** The rows the server would store for these batches, built by the server's own validation and normalisation. */
  rowsOf(batches: readonly BatchBody[]): NewEvent[][] {
    const ingestion = new IngestionService({ store: this.store, clock: systemClock });
    return batches.map((b) => {
      const { events, errors } = ingestion.prepare('bench-workspace', b.batch, { envelope: b, prefix: 'batch' });
      if (errors.length > 0) throw new Error(`generated an invalid message: ${errors[0]?.message}`);
      return events;
    });
  }

  /** Appends each batch in its own transaction, one after another; returns the elapsed ms. */
  async append(rows: readonly NewEvent[][]): Promise<number> {
    const start = performance.now();
    for (const batch of rows) await this.store.appendEvents(batch);
    return performance.now() - start;
  }

  close(): Promise<void> {
    return this.dispose();
  }
}
