import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteStore } from './sqlite-store.ts';

/**
 * SQLite's plans, read from SQLite itself for the exact statements the store runs (storage README).
 * Its planner has no statistics here, so where two indexes fit it may pick the one that walks a
 * whole workspace; these cases pin the index each read must use.
 */
describe('SQLite plans of the store reads', () => {
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

  /** The plan lines of each statement `read` prepares whose text matches `pick`. */
  async function plansOf(read: () => Promise<unknown>, pick: RegExp): Promise<{ sql: string; plan: string[] }[]> {
    statements = [];
    await read();
    const picked = statements.filter((sql) => pick.test(sql));
    assert.ok(picked.length > 0, `no statement matched ${pick}`);
    const raw = new BetterSqlite3(join(dir, 'godwit.db'), { readonly: true });
    try {
      return picked.map((sql) => {
        const blanks = Array.from(sql.matchAll(/\?/g), () => null);
        const plan = raw
          .prepare(`explain query plan ${sql}`)
          .all(...blanks)
          .map((row) => (row as { detail: string }).detail);
        return { sql, plan };
      });
    } finally {
      raw.close();
    }
  }

  /**
   * Every read keyed by a batch of customers must find them through a customer index. With 500 ids
   * in an `IN` list and `workspace_id = ?` beside it, SQLite's planner prefers an index led by
   * workspace_id and walks the whole workspace per chunk ("Customer-keyed reads").
   */
  const ids = Array.from({ length: 500 }, (_, i) => `c${i}`);
  const customerKeyed: [string, () => Promise<unknown>][] = [
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
  for (const [name, read] of customerKeyed) {
    it(`${name} finds 500 customers by a customer index`, async () => {
      for (const { sql, plan } of await plansOf(read, /id" in \(/)) {
        const walksWorkspace = plan.some((line) => /\(workspace_id=\?\)$|^SCAN /.test(line));
        assert.equal(walksWorkspace, false, `${name}: ${plan.join(' | ')}\n${sql.slice(0, 200)}`);
      }
    });
  }

  // The overview reads only its window of days, through the day indexes of migration 012.
  const since = Date.UTC(2026, 0, 1);
  const windowed: [string, RegExp, () => Promise<unknown>][] = [
    ['overview.dailyActivity', /events_workspace_day/, () => store.overview.dailyActivity('w', since)],
    ['overview.messageCounts', /outbox_workspace_day/, () => store.overview.messageCounts('w', since)],
    [
      'overview.deliveryEventCounts',
      /delivery_events_workspace_day/,
      () => store.overview.deliveryEventCounts('w', since),
    ],
  ];
  for (const [name, index, read] of windowed) {
    it(`${name} walks only its days of the workspace`, async () => {
      for (const { plan } of await plansOf(read, /^select/)) {
        const line = plan.find((l) => index.test(l)) ?? '';
        assert.match(line, /\(workspace_id=\? AND <expr>>\?\)$/, plan.join(' | '));
      }
    });
  }

  // A workspace's newest rows come in time order from an index, so only ties are sorted, never the
  // workspace: a whole-workspace list walks its days from the newest, one status keeps to outbox_status,
  // several take the newest of each status from it and sort only those (`SCAN s0`, a limited subquery).
  const newestFirst: [string, RegExp, () => Promise<unknown>][] = [
    [
      'delivery.listMessages of the workspace',
      /outbox_workspace_day/,
      () => store.delivery.listMessages({ workspaceId: 'w', channel: 'sms', limit: 50 }),
    ],
    [
      'delivery.listMessages of dead letters',
      /outbox_status/,
      () => store.delivery.listMessages({ workspaceId: 'w', statuses: ['dead', 'failed'], limit: 50 }),
    ],
    [
      'delivery.listMessages of one status',
      /outbox_status/,
      () => store.delivery.listMessages({ workspaceId: 'w', statuses: ['failed'], limit: 50 }),
    ],
    ['journeys.seenNames', /events_workspace_day/, () => store.journeys.seenNames('w', { events: 10, customers: 10 })],
  ];
  for (const [name, index, read] of newestFirst) {
    it(`${name} reads newest first through ${index.source}, sorting no more than ties`, async () => {
      const table = index.source.replace(/_(workspace_day|status)$/, '');
      for (const { plan } of await plansOf(read, new RegExp(`from "${table}"`))) {
        const lines = plan.join(' | ');
        const searches = plan.filter((line) => line.startsWith('SEARCH'));
        assert.ok(searches.length > 0 && searches.every((line) => index.test(line)), `${name}: ${lines}`);
        const sortsAll = plan.some(
          (line, i) => /TEMP B-TREE FOR ORDER BY/.test(line) && !/^SCAN s\d+$/.test(plan[i - 1] ?? ''),
        );
        assert.equal(sortsAll, false, `${name} sorts the workspace: ${lines}`);
      }
    });
  }

  it('searchCustomers reads the newest profiles through customers_workspace_created first', async () => {
    const read = () => store.searchCustomers({ workspaceId: 'w', query: 'ada', limit: 50 });
    const plans = await plansOf(read, /from \(select/);
    for (const { plan } of plans) {
      const lines = plan.join(' | ');
      assert.match(lines, /SEARCH customers USING INDEX customers_workspace_created/, lines);
      assert.doesNotMatch(lines, /TEMP B-TREE FOR ORDER BY/, `sorts the workspace: ${lines}`);
    }
  });

  // One customer's newest rows: the day indexes also start with workspace_id, and must not win here.
  const oneCustomer: [string, RegExp, () => Promise<unknown>][] = [
    ['timeline', /events_timeline/, () => store.timeline({ workspaceId: 'w', customerId: 'c1', limit: 50 })],
    [
      'delivery.listMessages by customer',
      /outbox_customer/,
      () => store.delivery.listMessages({ workspaceId: 'w', customerId: 'c1', limit: 50 }),
    ],
  ];
  for (const [name, index, read] of oneCustomer) {
    it(`${name} reads one customer through ${index.source}`, async () => {
      for (const { sql, plan } of await plansOf(read, /^select/)) {
        assert.ok(index.test(plan.join(' | ')), `${name}: ${plan.join(' | ')}\n${sql.slice(0, 200)}`);
      }
    });
  }
});
