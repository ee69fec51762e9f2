import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { writeLockOf } from './sqlite-connection.ts';
import { withStatementCache } from './statement-cache.ts';

describe('statement cache', () => {
  it('prepares a query once and finalizes the least recently used beyond its capacity', () => {
    const raw = new BetterSqlite3(':memory:');
    const db = withStatementCache(raw, 2);
    const one = db.prepare('select 1 as x');
    assert.equal(db.prepare('select 1 as x'), one);
    const two = db.prepare('select 2 as x');
    assert.equal(db.prepare('select 1 as x'), one, 'used again, so "select 1" is now the most recent');
    db.prepare('select 3 as x');
    assert.equal(db.prepare('select 1 as x'), one, 'kept: "select 2" was the least recently used');
    assert.notEqual(db.prepare('select 2 as x'), two, 'evicted, so prepared anew');
    assert.deepEqual(one.all([]), [{ x: 1 }]);
    db.close();
  });

  it('holds the write lock for a write outside a transaction, RETURNING or not, and not for a read', () => {
    const raw = new BetterSqlite3(':memory:');
    raw.exec('create table t (a integer)');
    const lock = writeLockOf(raw);
    let holds = 0;
    const hold = lock.hold.bind(lock);
    lock.hold = (write) => {
      holds += 1;
      return hold(write);
    };
    const db = withStatementCache(raw);
    db.prepare('insert into t values (?)').run([1]);
    assert.equal(holds, 1, 'a plain insert');
    assert.deepEqual(db.prepare('insert into t values (?) returning a').all([2]), [{ a: 2 }]);
    assert.equal(holds, 2, 'an insert with RETURNING');
    assert.deepEqual(db.prepare('select count(*) as n from t').all([]), [{ n: 2 }]);
    assert.equal(holds, 2, 'a read takes no lock');
    raw.transaction(() => db.prepare('insert into t values (?)').run([3]))();
    assert.equal(holds, 2, 'inside a transaction, its holder has the lock already');
    db.close();
  });
});
