import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { migrateToLatest, migrations } from './migrations/index.ts';
import type { SuppressionRecord } from './suppression-store.ts';
import { describeEachStore } from './test-store-adapters.ts';

const entry = (address: string, over: Partial<SuppressionRecord> = {}): SuppressionRecord => ({
  workspaceId: 'w1',
  channel: 'email',
  address,
  reason: 'hard_bounce',
  sourceMessage: 'run:node:1',
  detail: { code: '550' },
  createdAt: 1_000,
  ...over,
});

describeEachStore('suppression store contract', (t) => {
  it('adds an address once, keeping its first reason, per workspace and channel', async () => {
    const s = t.store.suppressions;
    assert.equal(await s.add([entry('a@example.com'), entry('b@example.com', { createdAt: 2_000 })]), 2);
    assert.equal(await s.add([entry('a@example.com', { reason: 'complaint', createdAt: 3_000 })]), 0);
    assert.equal(await s.add([entry('+15550001111', { channel: 'sms', reason: 'manual', sourceMessage: null })]), 1);
    assert.equal(await s.add([entry('a@example.com', { workspaceId: 'w2' })]), 1);
    const found = await s.find('w1', [
      { channel: 'email', address: 'a@example.com' },
      { channel: 'sms', address: 'a@example.com' },
      { channel: 'sms', address: '+15550001111' },
      { channel: 'email', address: 'nobody@example.com' },
    ]);
    assert.deepEqual(found.map((f) => [f.channel, f.address, f.reason, f.sourceMessage, f.detail]).sort(), [
      ['email', 'a@example.com', 'hard_bounce', 'run:node:1', { code: '550' }],
      ['sms', '+15550001111', 'manual', null, { code: '550' }],
    ]);
  });

  it("commits a bounce with its suppression, and an outcome's only while its claim holds", async () => {
    await t.store.journeys.applyJourneyChange({
      runs: [],
      addTimers: [],
      deleteTimers: [],
      outbox: ['m1', 'm2', 'm3'].map((key) => ({
        workspaceId: 'w3',
        idempotencyKey: key,
        customerId: 'c1',
        runId: 'r1',
        journeyId: 'j1',
        nodeId: key,
        kind: 'message' as const,
        channel: 'email',
        status: 'pending' as const,
        payload: { template: 't', address: `${key}@example.com` },
        createdAt: 100,
        updatedAt: 100,
      })),
      events: [],
      counts: [],
    });
    const event = (key: string, kind: 'bounced' | 'sent') => ({
      id: `e-${key}-${kind}`,
      workspaceId: 'w3',
      customerId: 'c1',
      idempotencyKey: key,
      kind,
      at: 200,
      detail: {},
    });
    const w3 = (address: string) => entry(address, { workspaceId: 'w3' });
    await t.store.delivery.recordDeliveryEvents({
      events: [event('m1', 'bounced')],
      statuses: [{ workspaceId: 'w3', idempotencyKey: 'm1', status: 'bounced', at: 200 }],
      timeline: [],
      suppressions: [w3('m1@example.com')],
    });
    // Claims are global: take every due message, then settle m2 as its owner and m3 as a stranger.
    const claimed = await t.store.delivery.claimDue({ owner: 'me', now: 300, leaseMs: 1_000, limit: 100 });
    assert.ok(claimed.some((m) => m.idempotencyKey === 'm2'));
    const outcome = (key: string, owner: string) => ({
      workspaceId: 'w3',
      idempotencyKey: key,
      owner,
      at: 300,
      status: 'bounced' as const,
      attempts: 1,
      nextAttemptAt: 300,
      events: [event(key, 'bounced')],
      suppressions: [w3(`${key}@example.com`)],
    });
    assert.equal(await t.store.delivery.recordOutcomes([outcome('m2', 'me'), outcome('m3', 'someone else')]), 1);
    const listed = await t.store.suppressions.find(
      'w3',
      ['m1', 'm2', 'm3'].map((key) => ({ channel: 'email', address: `${key}@example.com` })),
    );
    assert.deepEqual(listed.map((l) => l.address).sort(), ['m1@example.com', 'm2@example.com']);
  });

  it('keeps subscription groups per workspace; a replaced group keeps its creation time', async () => {
    const g = t.store.subscriptionGroups;
    const group = { workspaceId: 'w1', id: 'newsletter', name: 'News', description: '', channels: ['email'] };
    await g.put({ ...group, createdAt: 1, updatedAt: 1 });
    await g.put({ ...group, workspaceId: 'w2', createdAt: 1, updatedAt: 1 });
    const replaced = await g.put({
      ...group,
      name: 'Weekly',
      channels: ['email', 'sms'],
      createdAt: 5,
      updatedAt: 5,
    });
    assert.deepEqual(
      [replaced.name, replaced.channels, replaced.createdAt, replaced.updatedAt],
      ['Weekly', ['email', 'sms'], 1, 5],
    );
    await g.put({ ...group, id: 'alerts', createdAt: 6, updatedAt: 6 });
    assert.deepEqual(
      (await g.list('w1')).map((x) => x.id),
      ['alerts', 'newsletter'],
    );
    assert.equal(await g.remove('w1', 'alerts'), true);
    assert.equal(await g.remove('w1', 'alerts'), false);
    assert.equal((await g.get('w2', 'newsletter'))?.name, 'News');
  });

  it('lists newest first in pages, by channel, and removes', async () => {
    const s = t.store.suppressions;
    const page1 = await s.list({ workspaceId: 'w1', limit: 2 });
    assert.deepEqual(
      page1.map((r) => r.address),
      ['b@example.com', '+15550001111'],
    );
    const last = page1.at(-1) as SuppressionRecord;
    const page2 = await s.list({
      workspaceId: 'w1',
      limit: 2,
      before: { createdAt: last.createdAt, address: last.address, channel: last.channel },
    });
    assert.deepEqual(
      page2.map((r) => r.address),
      ['a@example.com'],
    );
    // One address on two channels at one instant: the page between them keeps both.
    await s.add([entry('+15550002222', { channel: 'sms' }), entry('+15550002222', { channel: 'whatsapp' })]);
    const seen: string[] = [];
    let before: { createdAt: number; address: string; channel: string } | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await s.list({ workspaceId: 'w1', limit: 1, before });
      const row = page.at(-1);
      if (!row) break;
      seen.push(`${row.channel} ${row.address}`);
      before = row;
    }
    assert.deepEqual(seen, [
      'email b@example.com',
      'sms +15550001111',
      'sms +15550002222',
      'whatsapp +15550002222',
      'email a@example.com',
    ]);
    assert.deepEqual(
      (await s.list({ workspaceId: 'w1', channel: 'sms', limit: 10 })).map((r) => r.address),
      ['+15550001111', '+15550002222'],
    );
    assert.equal(await s.remove('w1', { channel: 'email', address: 'a@example.com' }), true);
    assert.equal(await s.remove('w1', { channel: 'email', address: 'a@example.com' }), false);
    assert.equal((await s.find('w1', [{ channel: 'email', address: 'a@example.com' }])).length, 0);
    assert.equal((await s.find('w2', [{ channel: 'email', address: 'a@example.com' }])).length, 1);
  });
});

describe('migrations arriving out of order', () => {
  it('runs a lower-numbered migration that lands after a higher one has run, once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'godwit-migrate-'));
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(join(dir, 'm.db')) }) });
    try {
      // As if 009 were still on another branch when this database reached 010.
      const withoutNine = Object.fromEntries(Object.entries(migrations).filter(([name]) => !name.startsWith('009-')));
      const first = await migrateToLatest(db, { dialect: 'sqlite' }, withoutNine);
      assert.ok(first.includes('010-suppressions'));
      const nine = {
        async up(d: Kysely<unknown>) {
          await d.schema.createTable('late_nine').addColumn('id', 'text').execute();
        },
      };
      const second = await migrateToLatest(db, { dialect: 'sqlite' }, { ...withoutNine, '009-late': nine });
      assert.deepEqual(second, ['009-late']);
      assert.deepEqual(await migrateToLatest(db, { dialect: 'sqlite' }, { ...withoutNine, '009-late': nine }), []);
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
      assert.ok(tables.rows.some((r) => r.name === 'late_nine'));
      assert.ok(tables.rows.some((r) => r.name === 'suppressions'));
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
