import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import type { WriteLock } from './write-lock.ts';

/**
 * Kysely's SQLite dialect with transactions that hold the connection's WriteLock and begin
 * IMMEDIATE, taking SQLite's write lock first, so a transaction that reads and then writes never
 * finds its snapshot overtaken by another connection's commit (see writeTransaction).
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig & { lock: WriteLock }) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  private readonly lock: WriteLock;
  /** Kysely rolls back after a failed commit: the lock is released once. */
  private held = false;

  constructor(settings: SqliteDialectConfig & { lock: WriteLock }) {
    super(settings);
    this.lock = settings.lock;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.lock.acquire();
    this.held = true;
    try {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    } catch (error) {
      this.releaseLock();
      throw error;
    }
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
    this.releaseLock();
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } finally {
      this.releaseLock();
    }
  }

  private releaseLock(): void {
    if (!this.held) return;
    this.held = false;
    this.lock.release();
  }
}
