import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseSegment, type SegmentDefinition } from '../segments/segment-schema.ts';
import { LeaseLostError } from './lease-lost-error.ts';
import type { PairUpdate, SegmentChange } from './segment-store.ts';
import type { NewEvent, Store } from './store.ts';
import { storeAdapters as adapters } from './test-store-adapters.ts';

let counter = 0;
/** A name no other case uses, so cases share one database without seeing each other's rows. */
const unique = (prefix: string): string => `${prefix}_${++counter}`;

function segment(id: string, rule: unknown = { trait: 'plan', op: 'eq', value: 'pro' }): SegmentDefinition {
  const parsed = parseSegment({ id, name: `Segment ${id}`, rule });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.segment;
}

function event(workspaceId: string, messageId: string, fields: Partial<NewEvent> = {}): NewEvent {
  return {
    workspaceId,
    messageId,
    type: 'track',
    event: 'Order Completed',
    userId: 'u1',
    anonymousId: null,
    timestamp: 1_000,
    receivedAt: 1_000,
    payload: JSON.stringify({ type: 'track', messageId, properties: { total: 5 } }),
    ...fields,
  };
}

/** A cursor whose lease this test holds. */
async function leasedCursor(store: Store): Promise<NonNullable<SegmentChange['cursor']>> {
  const name = unique('cursor');
  await store.acquireCursor({ name, owner: 'test', now: 1, leaseMs: 1e9 });
  return { name, position: 0, owner: 'test' };
}

/** Customers the pairs belong to: a change only adds rows for customers that exist. */
async function seedCustomers(store: Store, workspaceId: string, ids: readonly string[]): Promise<void> {
  const profile = (id: string) => ({
    id,
    workspaceId,
    traits: {},
    traitTimes: {},
    consent: {},
    timezone: null,
    locale: null,
    createdAt: 1,
    updatedAt: 1,
  });
  await store.applyResolution({
    upsertProfiles: ids.map(profile),
    merges: [],
    upsertIdentities: [],
    assignEvents: [],
    audit: [],
    cursor: await leasedCursor(store),
  });
}

const pair = (workspaceId: string, segmentId: string, customerId: string, fields: Partial<PairUpdate>) => ({
  workspaceId,
  segmentId,
  customerId,
  ...fields,
});

for (const adapter of adapters) {
  describe(`SegmentStore contract: ${adapter.name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let ws: string;

    before(async () => {
      ({ store, dispose } = await adapter.open());
      ws = unique('ws');
      await store.createWorkspace({ id: ws, name: ws, createdAt: 1 });
      await seedCustomers(store, ws, ['c1', 'c2', 'c9', 'from', 'into']);
    });
    after(async () => {
      await store.close();
      await dispose();
    });

    it('saves a definition, bumps its version on each save and restarts its re-evaluation', async () => {
      const id = unique('seg');
      const first = await store.segments.saveSegment({ workspaceId: ws, definition: segment(id), now: 10 });
      assert.deepEqual([first.version, first.backfillAfter, first.createdAt], [1, '', 10]);
      await store.segments.applySegmentChange({
        pairs: [],
        events: [],
        backfill: { workspaceId: ws, segmentId: id, version: 1, after: null },
      });
      assert.equal((await store.segments.getSegment(ws, id))?.backfillAfter, null);
      const renamed = { ...segment(id), name: 'Renamed' };
      const second = await store.segments.saveSegment({ workspaceId: ws, definition: renamed, now: 20 });
      assert.deepEqual([second.version, second.backfillAfter, second.createdAt, second.updatedAt], [2, '', 10, 20]);
      // Progress of the walk for version 1 must not overwrite the restart for version 2.
      await store.segments.applySegmentChange({
        pairs: [],
        events: [],
        backfill: { workspaceId: ws, segmentId: id, version: 1, after: 'zzz' },
      });
      const stored = await store.segments.getSegment(ws, id);
      assert.equal(stored?.backfillAfter, '');
      assert.equal(stored?.definition.name, 'Renamed');
      assert.ok((await store.segments.listSegments(ws)).some((s) => s.id === id));
      assert.ok((await store.segments.allSegments()).some((s) => s.id === id && s.workspaceId === ws));
      assert.equal(await store.segments.getSegment('other', id), undefined);
    });

    it('enters, leaves and replaces timers per pair; size and member pages follow', async () => {
      const id = unique('seg');
      await store.segments.saveSegment({ workspaceId: ws, definition: segment(id), now: 1 });
      const customers = ['c-a', 'c-b', 'c-c'].map((c) => `${id}-${c}`);
      await seedCustomers(store, ws, customers);
      await store.segments.applySegmentChange({
        pairs: customers.map((c, i) => pair(ws, id, c, { member: true, since: 100 + i, timer: 500 + i })),
        events: [],
      });
      assert.equal(await store.segments.segmentSize(ws, id), 3);
      const page1 = await store.segments.listMembers({ workspaceId: ws, segmentId: id, limit: 2 });
      assert.deepEqual(page1.members, [
        { customerId: customers[0], since: 100 },
        { customerId: customers[1], since: 101 },
      ]);
      const page2 = await store.segments.listMembers({
        workspaceId: ws,
        segmentId: id,
        limit: 2,
        after: page1.next ?? '',
      });
      assert.deepEqual(page2, { members: [{ customerId: customers[2], since: 102 }], next: null });

      await store.segments.applySegmentChange({
        pairs: [
          pair(ws, id, customers[0] as string, { member: false, timer: null }),
          pair(ws, id, customers[1] as string, { timer: 900 }),
        ],
        events: [],
      });
      assert.equal(await store.segments.segmentSize(ws, id), 2);
      const state = await store.segments.stateOf(ws, customers);
      assert.deepEqual(
        state.timers.map((t) => [t.customerId, t.dueAt]).sort(),
        [
          [customers[1], 900],
          [customers[2], 502],
        ],
        'one timer per pair, replaced; none once cleared',
      );
      assert.deepEqual(state.memberships.map((m) => m.customerId).sort(), [customers[1], customers[2]]);
    });

    it('returns due timers earliest first, only those due', async () => {
      const id = unique('seg');
      await store.segments.saveSegment({ workspaceId: ws, definition: segment(id), now: 1 });
      await seedCustomers(store, ws, [`${id}-late`, `${id}-early`]);
      await store.segments.applySegmentChange({
        pairs: [pair(ws, id, `${id}-late`, { timer: 3e12 + 2 }), pair(ws, id, `${id}-early`, { timer: 3e12 + 1 })],
        events: [],
      });
      const due = (await store.segments.dueTimers(3e12 + 2, 100)).filter((t) => t.segmentId === id);
      assert.deepEqual(
        due.map((t) => t.customerId),
        [`${id}-early`, `${id}-late`],
      );
      assert.equal((await store.segments.dueTimers(3e12, 100)).filter((t) => t.segmentId === id).length, 0);
    });

    it('appends emitted events once, and writes nothing when the lease is lost', async () => {
      const id = unique('seg');
      await store.segments.saveSegment({ workspaceId: ws, definition: segment(id), now: 1 });
      const cursor = await leasedCursor(store);
      const entered = event(ws, `segment:${id}:c1:entered:5`, { event: 'Segment Entered' });
      const change = {
        pairs: [pair(ws, id, 'c1', { member: true, since: 5 })],
        events: [entered],
        cursor: { ...cursor, position: 7 },
      };
      const before = await store.countEvents(ws);
      await store.segments.applySegmentChange(change);
      await store.segments.applySegmentChange(change);
      assert.equal(await store.countEvents(ws), before + 1, 'a replayed change stores its event once');
      assert.equal(await store.readCursor(cursor.name), 7);
      assert.equal(await store.segments.segmentSize(ws, id), 1, 'a replayed entry keeps one row');

      await store.acquireCursor({ name: cursor.name, owner: 'thief', now: 2e9, leaseMs: 1e9 });
      await assert.rejects(
        store.segments.applySegmentChange({
          pairs: [pair(ws, id, 'c2', { member: true, since: 5 })],
          events: [event(ws, `segment:${id}:c2:entered:5`)],
          cursor: { ...cursor, position: 9 },
        }),
        LeaseLostError,
      );
      assert.equal(await store.segments.segmentSize(ws, id), 1);
      assert.equal(await store.hasEvent(ws, `segment:${id}:c2:entered:5`), false);
      assert.equal(await store.readCursor(cursor.name), 7);
    });

    it('drops updates and events of a deleted segment; deleting removes memberships and timers', async () => {
      const id = unique('seg');
      await store.segments.saveSegment({ workspaceId: ws, definition: segment(id), now: 1 });
      await store.segments.applySegmentChange({
        pairs: [pair(ws, id, 'c1', { member: true, since: 1, timer: 50 })],
        events: [],
      });
      assert.equal(await store.segments.deleteSegment(ws, id), true);
      assert.equal(await store.segments.deleteSegment(ws, id), false);
      assert.equal(await store.segments.getSegment(ws, id), undefined);
      const state = await store.segments.stateOf(ws, ['c1']);
      assert.equal(state.memberships.filter((m) => m.segmentId === id).length, 0);
      assert.equal(state.timers.filter((t) => t.segmentId === id).length, 0);
      await store.segments.applySegmentChange({
        pairs: [pair(ws, id, 'c9', { member: true, since: 1, timer: 50 })],
        events: [event(ws, `segment:${id}:c9:entered:1`, { event: 'Segment Entered' })],
      });
      assert.equal(await store.segments.segmentSize(ws, id), 0, 'a late change cannot bring it back');
      assert.equal(await store.hasEvent(ws, `segment:${id}:c9:entered:1`), false);
    });

    it('counts a customer once when a merge left two rows, and collapses them on the next write', async () => {
      const id = unique('seg');
      await store.segments.saveSegment({ workspaceId: ws, definition: segment(id), now: 1 });
      await store.segments.applySegmentChange({
        pairs: [pair(ws, id, 'from', { member: true, since: 3 }), pair(ws, id, 'into', { member: true, since: 8 })],
        events: [],
      });
      const cursor = await leasedCursor(store);
      await store.applyResolution({
        upsertProfiles: [],
        merges: [{ workspaceId: ws, from: 'from', into: 'into' }],
        upsertIdentities: [],
        assignEvents: [],
        audit: [],
        cursor,
      });
      assert.equal(await store.segments.segmentSize(ws, id), 1);
      const page = await store.segments.listMembers({ workspaceId: ws, segmentId: id, limit: 10 });
      assert.deepEqual(page.members, [{ customerId: 'into', since: 3 }]);
      await store.segments.applySegmentChange({
        pairs: [pair(ws, id, 'into', { member: true, since: 3 })],
        events: [],
      });
      const rows = (await store.segments.stateOf(ws, ['into'])).memberships.filter((m) => m.segmentId === id);
      assert.equal(rows.length, 1);
    });

    it('only removes rows of a customer erased meanwhile, and records no entry for them', async () => {
      const id = unique('seg');
      await store.segments.saveSegment({ workspaceId: ws, definition: segment(id), now: 1 });
      await seedCustomers(store, ws, ['gone']);
      await store.segments.applySegmentChange({ pairs: [pair(ws, id, 'gone', { timer: 70 })], events: [] });
      assert.equal(await store.deleteCustomer(ws, 'gone'), true);
      await store.segments.applySegmentChange({
        pairs: [
          pair(ws, id, 'gone', { member: true, since: 1, timer: 80 }),
          pair(ws, id, 'c1', { member: true, since: 1 }),
        ],
        events: [
          event(ws, `segment:${id}:gone:entered:1`, { event: 'Segment Entered' }),
          event(ws, `segment:${id}:c1:entered:1`, { event: 'Segment Entered' }),
        ],
      });
      assert.deepEqual(await store.segments.stateOf(ws, ['gone']), { memberships: [], timers: [] });
      assert.equal(await store.hasEvent(ws, `segment:${id}:gone:entered:1`), false);
      assert.equal(await store.hasEvent(ws, `segment:${id}:c1:entered:1`), true);
    });

    it("reads a customer's events by name after a time, and lists customer ids in order", async () => {
      const wsB = unique('ws');
      await store.createWorkspace({ id: wsB, name: wsB, createdAt: 1 });
      const from = await store.lastEventSeq();
      await store.appendEvents([
        event(wsB, 'e1', { timestamp: 100 }),
        event(wsB, 'e2', { timestamp: 200 }),
        event(wsB, 'e3', { timestamp: 300, event: 'Login' }),
        event(wsB, 'e4', { timestamp: 9_000 }),
      ]);
      const seqs = (await store.readEventsAfter(from, 100)).map((e) => e.seq);
      const cursor = await leasedCursor(store);
      await seedCustomers(store, wsB, ['b-1', 'b-2', 'b-3']);
      await store.applyResolution({
        upsertProfiles: [],
        merges: [],
        upsertIdentities: [],
        assignEvents: seqs.map((seq, i) => ({ seq, customerId: i === 0 ? 'b-2' : 'b-1' })),
        audit: [
          {
            id: unique('audit'),
            workspaceId: wsB,
            action: 'merge',
            fromCustomerId: 'x',
            intoCustomerId: 'b-3',
            reason: 't',
            createdAt: 500,
          },
        ],
        cursor,
      });
      const events = await store.segments.customerEvents({
        workspaceId: wsB,
        customerIds: ['b-1', 'b-2'],
        names: ['Order Completed'],
        since: 150,
      });
      assert.deepEqual(
        events.map((e) => [e.customerId, e.timestamp, e.properties.total]).sort(),
        [
          ['b-1', 200, 5],
          ['b-1', 9_000, 5],
        ],
        'after `since` (exclusive), with the right name, including events stamped in the future',
      );
      assert.deepEqual(await store.segments.customerIdsAfter(wsB, '', 2), ['b-1', 'b-2']);
      assert.deepEqual(await store.segments.mergedSince(wsB, ['b-1', 'b-3'], 500), ['b-3']);
      assert.deepEqual([...(await store.segments.createdAtOf(wsB, ['b-1', 'b-3', 'nobody']))].sort(), [
        ['b-1', 1],
        ['b-3', 1],
      ]);
      assert.equal((await store.segments.createdAtOf(unique('ws'), ['b-1'])).size, 0, 'per workspace');
      assert.deepEqual(await store.segments.mergedSince(wsB, ['b-1', 'b-3'], 501), []);
      assert.deepEqual(await store.segments.customerIdsAfter(wsB, 'b-2', 2), ['b-3']);
    });
  });
}
