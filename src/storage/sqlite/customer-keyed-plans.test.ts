import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteStore } from './sqlite-store.ts';

/**
 * Every read keyed by a batch of customers must find them through a customer index. With 500 ids
 * in an `IN` list and `workspace_id = ?` beside it, SQLite's planner prefers an index led by
 * workspace_id and walks the whole workspace per chunk (storage README, "Customer-keyed reads").
 * Plans are read from SQLite itself, for the exact statements the store runs.
 */
describe('SQLite plans of customer-keyed reads', () => {
  let dir: string;
  let store: SqliteStore;
  let statements: string[] = [];
  const prepare = BetterSqlite3.prototype.prepare;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'godwit-plans-'));
    store = await SqliteStore.open(join(dir, 'godwit.db'), { appendWorker: false });
    BetterSqlite3.prototype.prepare = function (this: BetterSqlite3.Database, source: string) {
      statements.push(source);
      return prepare.call(this, source);
    } as typeof prepare;
  });
  after(async () => {
    BetterSqlite3.prototype.prepare = prepare;
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ids = Array.from({ length: 500 }, (_, i) => `c${i}`);
  const reads: [string, () => Promise<unknown>][] = [
    ['loadProfiles', () => store.loadProfiles('w', ids)],
    ['segments.membershipsOf', () => store.segments.membershipsOf('w', ids)],
    ['segments.stateOf', () => store.segments.stateOf('w', ids)],
    ['segments.createdAtOf', () => store.segments.createdAtOf('w', ids)],
    ['segments.mergedSince', () => store.segments.mergedSince('w', ids, 0)],
    [
      'segments.customerEvents',
      () => store.segments.customerEvents({ workspaceId: 'w', customerIds: ids, names: ['A'], since: 0 }),
    ],
    ['journeys.runSummaries', () => store.journeys.runSummaries('w', ids)],
    ['journeys.waitingRuns', () => store.journeys.waitingRuns('w', ids)],
    ['channels.undeliveredInAppMessages', () => store.channels.undeliveredInAppMessages('w', ids)],
    [
      'decisions.recentSends',
      () => store.decisions.recentSends({ workspaceId: 'w', customerIds: ids, since: 0, queuedSince: 0 }),
    ],
    ['decisions.engagementOf', () => store.decisions.engagementOf('w', ids)],
    [
      'decisions.recentEvents',
      () => store.decisions.recentEvents({ workspaceId: 'w', customerIds: ids, names: ['A'], since: 0 }),
    ],
  ];

  for (const [name, read] of reads) {
    it(`${name} finds 500 customers by a customer index`, async () => {
      statements = [];
      await read();
      const keyed = statements.filter((sql) => /id" in \(/.test(sql));
      assert.ok(keyed.length > 0, `${name} ran no customer-keyed statement`);
      const raw = new BetterSqlite3(join(dir, 'godwit.db'), { readonly: true });
      try {
        for (const sql of keyed) {
          const blanks = Array.from(sql.matchAll(/\?/g), () => null);
          const plan = raw
            .prepare(`explain query plan ${sql}`)
            .all(...blanks)
            .map((row) => (row as { detail: string }).detail);
          const walksWorkspace = plan.some((line) => /\(workspace_id=\?\)$|^SCAN /.test(line));
          assert.equal(walksWorkspace, false, `${name}: ${plan.join(' | ')}\n${sql.slice(0, 200)}`);
        }
      } finally {
        raw.close();
      }
    });
  }
});
