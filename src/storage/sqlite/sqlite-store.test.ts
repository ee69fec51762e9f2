import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type BetterSqlite3 from 'better-sqlite3';
import { SqliteStore } from './sqlite-store.ts';

/** PRAGMA synchronous: 2 is FULL, what a 200 for an event relies on. */
const FULL = 2;

describe('SqliteStore durability settings', () => {
  let dir: string;
  let store: SqliteStore;
  // The connection is private to the adapter; the test reads one pragma from it.
  const synchronous = () =>
    (store as unknown as { raw: BetterSqlite3.Database }).raw.pragma('synchronous', { simple: true });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'godwit-sqlite-'));
    store = await SqliteStore.open(join(dir, 'godwit.db'));
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps appends at synchronous=FULL around the processor writes, even when one fails', async () => {
    assert.equal(synchronous(), FULL);
    const position = await store.acquireCursor({ name: 'c', owner: 'me', now: 1, leaseMs: 1000 });
    assert.equal(position, 0);
    assert.equal(synchronous(), FULL);
    const change = {
      upsertProfiles: [],
      merges: [],
      upsertIdentities: [],
      assignEvents: [],
      audit: [],
      cursor: { name: 'c', position: 5, owner: 'someone else' },
    };
    await assert.rejects(store.applyResolution(change), /lease/);
    assert.equal(synchronous(), FULL);
    await store.applyResolution({ ...change, cursor: { ...change.cursor, owner: 'me' } });
    assert.equal(synchronous(), FULL);
    assert.equal(await store.readCursor('c'), 5);
  });
});
