import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** Opens a connection to the database file with Godwit's settings; every connection to it uses this. */
export function openSqliteConnection(file: string): BetterSqlite3.Database {
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
  return raw;
}
