import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { WriteLock } from './write-lock.ts';

/** Each connection's lock, shared with the process's other threads' connections to the same file. */
const locks = new WeakMap<BetterSqlite3.Database, WriteLock>();

/** The write lock `raw` was opened with; a connection opened otherwise (a test's) gets one of its own. */
export function writeLockOf(raw: BetterSqlite3.Database): WriteLock {
  let lock = locks.get(raw);
  if (!lock) {
    lock = new WriteLock();
    locks.set(raw, lock);
  }
  return lock;
}

/**
 * Opens a connection to the database file with Godwit's settings; every connection to it uses this.
 * `lock`: the write lock of the process's other connections to the file (WriteLock).
 */
export function openSqliteConnection(file: string, lock = new WriteLock()): BetterSqlite3.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  locks.set(raw, lock);
  raw.pragma('journal_mode = WAL');
  // FULL: a commit is fsynced before the HTTP 200 that acknowledges it.
  raw.pragma('synchronous = FULL');
  raw.pragma('busy_timeout = 10000');
  // Fewer, larger checkpoints keep batched inserts fast (see DESIGN.md, group commit).
  raw.pragma('wal_autocheckpoint = 20000');
  // 64 MiB of page cache (the default is 2 MiB): the profile processor looks up identities and
  // customers at random, and with more index pages cached each lookup cost about a quarter less here.
  raw.pragma('cache_size = -65536');
  // Reads of the file's first GiB through a memory map. A connection drops its page cache whenever
  // another one has committed, and the server's threads commit in turn all the time: without the map
  // each transaction read its pages back with a system call each, and delivery's claims took 10x longer.
  raw.pragma('mmap_size = 1073741824');
  raw.pragma('foreign_keys = ON');
  // Zero the old copy whenever a row moves or shrinks (e.g. an event gaining its customer id):
  // without it, stale copies of erased data stay in pages' free space. FAST adds no I/O.
  raw.pragma('secure_delete = FAST');
  // lower() beyond ASCII, for customer search (SqliteStore.lowerCase).
  raw.function('unicode_lower', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? text.toLowerCase() : text,
  );
  return raw;
}

/**
 * `fn` as a write transaction under the connection's WriteLock that takes SQLite's write lock when
 * it begins (BEGIN IMMEDIATE). The server writes through more than one connection (the append
 * worker, the journey thread), and so may the CLI beside it: a deferred transaction that read first
 * could not take the lock once another connection had committed (SQLITE_BUSY_SNAPSHOT, no busy
 * wait), while an immediate one waits its turn. Nested in a transaction it is a savepoint.
 */
export function writeTransaction<A extends unknown[], R>(
  raw: BetterSqlite3.Database,
  fn: (...args: A) => R,
): (...args: A) => R {
  const transaction = raw.transaction(fn);
  const lock = writeLockOf(raw);
  return (...args: A) => lock.hold(() => transaction.immediate(...args));
}
