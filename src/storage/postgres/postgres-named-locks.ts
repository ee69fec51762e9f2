import pg from 'pg';
import { InProcessLocks, type NamedLocks } from '../named-locks.ts';

/**
 * Lock holders of one process at once, across names. Their connections come from a pool of their
 * own: a holder's work reads and writes through the store's pool, and if holders waiting on other
 * processes could fill that pool, the one holding a lock would wait for a connection for ever.
 */
const LOCK_CONNECTIONS = 4;

/**
 * NamedLocks across processes: a PostgreSQL advisory lock on the name's 64-bit hash, taken in a
 * transaction on a connection held while `fn` runs. A transaction-level lock rather than a session one:
 * ending the transaction is the release (no unlock to forget), it also holds behind a pooler in
 * transaction mode, and it cannot outlive its connection. Waiters of one process queue in-process first,
 * so a name takes at most one lock connection per process.
 */
export class PostgresNamedLocks implements NamedLocks {
  private readonly queued = new InProcessLocks();
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: LOCK_CONNECTIONS });
    this.pool.on('error', () => {});
    this.pool.on('connect', (client) => {
      client.on('error', () => {});
      // The server notices a holder whose machine or network went away (not just its process) within
      // about a minute and ends its transaction, rather than after the system's two hours of keepalive.
      client
        // A lock session sits idle in its transaction while the work runs on the main pool: a server-wide idle or
        // statement timeout must not end it (and the lock) under the holder's feet.
        .query(
          'set tcp_keepalives_idle = 30; set tcp_keepalives_interval = 10; set tcp_keepalives_count = 3; ' +
            'set idle_in_transaction_session_timeout = 0; set statement_timeout = 0',
        )
        .catch(() => {});
    });
  }

  withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.queued.withLock(name, () => this.holding(name, fn));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async holding<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [name]);
      return await fn();
    } finally {
      // A connection that cannot end its transaction is closed instead, which releases the lock as well.
      await client.query('rollback').catch((error: unknown) => {
        broken = error instanceof Error ? error : new Error(String(error));
      });
      client.release(broken);
    }
  }
}
