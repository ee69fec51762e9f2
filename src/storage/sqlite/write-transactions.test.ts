import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.ts';
import { openSqliteConnection, writeLockOf, writeTransaction } from './sqlite-connection.ts';

/** Another thread with its own connection, committing a write every millisecond until told to stop. */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const db = new (require(workerData.driver))(workerData.file);
db.pragma('busy_timeout = 10000');
const bump = db.prepare('update counters set n = n + 1 where id = 2');
const timer = setInterval(() => bump.run(), 1);
parentPort.postMessage('writing');
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pause = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the thread, so it keeps its transaction open while the other thread runs. */
const block = (ms: number) => Atomics.wait(pause, 0, 0, ms);

describe('SQLite write transactions beside another writing connection', () => {
  let dir: string;
  let file: string;
  let raw: BetterSqlite3.Database;
  let writer: Worker;
  /** A second connection of this thread's, outside the transactions under test, to see the other thread's commits. */
  let observer: BetterSqlite3.Database;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'godwit-sqlite-writers-'));
    file = join(dir, 'godwit.db');
    raw = openSqliteConnection(file);
    raw.exec('create table counters (id integer primary key, n integer not null)');
    raw.exec('insert into counters values (1, 0), (2, 0)');
    observer = openSqliteConnection(file);
    writer = new Worker(WRITER, {
      eval: true,
      workerData: { file, driver: import.meta.resolve('better-sqlite3').replace('file://', '') },
    });
    await new Promise((resolve) => writer.once('message', resolve));
  });
  after(async () => {
    writer.postMessage('stop');
    await new Promise((resolve) => writer.once('exit', resolve));
    raw.close();
    observer.close();
    await rm(dir, { recursive: true, force: true });
  });

  const read = () => Number(raw.prepare('select n from counters where id = 1').pluck().get());
  const othersCommits = () => Number(observer.prepare('select n from counters where id = 2').pluck().get());
  /**
   * The premise's pause: lasts until the other thread has committed, however busy the machine, so a
   * deferred transaction's snapshot is surely stale when it writes.
   */
  const untilOtherCommits = () => {
    const seen = othersCommits();
    while (othersCommits() === seen) block(1);
  };

  it('a raw transaction that reads, then writes after the other thread committed, waits its turn', () => {
    const increment = (tx: () => void) => {
      for (let i = 0; i < 5; i++) tx();
    };
    const body = (pause: () => void) => () => {
      const n = read();
      pause();
      raw.prepare('update counters set n = ? where id = 1').run(n + 1);
    };
    // The premise: deferred, the other thread's commit overtakes the read and the write cannot follow.
    assert.throws(() => increment(raw.transaction(body(untilOtherCommits))), { code: /SQLITE_BUSY/ });
    const before = read();
    increment(
      writeTransaction(
        raw,
        body(() => block(5)),
      ),
    );
    assert.equal(read(), before + 5);
  });

  it("Kysely's transactions begin immediate, so one awaiting between its read and its write still commits", async () => {
    const transact = async (db: Kysely<{ counters: { id: number; n: number } }>, pause: () => Promise<unknown>) => {
      for (let i = 0; i < 5; i++) {
        await db.transaction().execute(async (trx) => {
          const { n } = await trx.selectFrom('counters').select('n').where('id', '=', 1).executeTakeFirstOrThrow();
          await pause();
          await trx
            .updateTable('counters')
            .set({ n: sql`${n + 1}` })
            .where('id', '=', 1)
            .execute();
        });
      }
    };
    const deferred = new Kysely<{ counters: { id: number; n: number } }>({
      dialect: new SqliteDialect({ database: raw }),
    });
    await assert.rejects(
      transact(deferred, async () => untilOtherCommits()),
      { code: /SQLITE_BUSY/ },
    );
    const before = read();
    const immediate = new Kysely<{ counters: { id: number; n: number } }>({
      dialect: new ImmediateSqliteDialect({ database: raw, lock: writeLockOf(raw) }),
    });
    await transact(immediate, () => sleep(5));
    assert.equal(read(), before + 5);
  });
});
