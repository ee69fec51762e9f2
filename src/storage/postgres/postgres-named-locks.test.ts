import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestPostgresDatabase } from '../test-databases.ts';
import { PostgresStore } from './postgres-store.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function gate(): { opened: Promise<void>; open(): void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Resolves once `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(5);
  }
}

/** Two stores on one database, as two processes have: only PostgreSQL's lock keeps their holders apart. */
describe('PostgreSQL named locks across stores', () => {
  let database: Awaited<ReturnType<typeof createTestPostgresDatabase>>;
  let one: PostgresStore;
  let two: PostgresStore;

  before(async () => {
    database = await createTestPostgresDatabase();
    one = await PostgresStore.open(database.url);
    two = await PostgresStore.open(database.url);
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await database?.drop();
  });

  it('never lets holders in two stores overlap', async () => {
    let inside = 0;
    let most = 0;
    const hold = (store: PostgresStore) =>
      store.locks.withLock('shared', async () => {
        inside++;
        most = Math.max(most, inside);
        await store.listWorkspaces();
        await sleep(1);
        inside--;
      });
    await Promise.all(Array.from({ length: 20 }, (_, i) => hold(i % 2 === 0 ? one : two)));
    assert.equal(most, 1);
  });

  it('hands the lock to the other store when its holder throws, and keeps names apart', async () => {
    const held = gate();
    const entered = gate();
    const failing = one.locks.withLock('thrown', async () => {
      entered.open();
      await held.opened;
      throw new Error('boom');
    });
    await entered.opened;
    assert.equal(await two.locks.withLock('other', async () => 'ran'), 'ran', 'another name is free');
    let taken = false;
    const waiting = two.locks.withLock('thrown', async () => {
      taken = true;
    });
    await sleep(100);
    assert.equal(taken, false, 'the other store waits while the name is held');
    held.open();
    await assert.rejects(failing, /boom/);
    await waiting;
    assert.equal(taken, true);
  });

  it('frees the lock when its holder’s connection is lost', async () => {
    const held = gate();
    const entered = gate();
    const holding = one.locks.withLock('lost', async () => {
      entered.open();
      await held.opened;
      return 'done';
    });
    await entered.opened;
    let taken = false;
    const waiting = two.locks.withLock('lost', async () => {
      taken = true;
    });
    await sleep(100);
    assert.equal(taken, false);
    // The holder's backend goes away (a restart, a network cut the server has noticed).
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and granted
           and database = (select oid from pg_database where datname = current_database())`,
      );
      assert.equal(rows.length, 1, 'one advisory lock is held');
      await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
    } finally {
      await admin.end();
    }
    await until(() => taken);
    await waiting;
    held.open();
    assert.equal(await holding, 'done', 'the holder’s work still completes');
    // Its broken connection was discarded, not handed to the next holder.
    assert.equal(await one.locks.withLock('lost', async () => 'again'), 'again');
  });
});
