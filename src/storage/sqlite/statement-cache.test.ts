import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
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
});
