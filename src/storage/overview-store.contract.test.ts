import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeliveryEventRecord } from './delivery-store.ts';
import type { OutboxRecord } from './journey-store.ts';
import type { NewEvent, Store } from './store.ts';
import { storeAdapters as adapters } from './test-store-adapters.ts';

const DAY = 86_400_000;
const T0 = 20_000 * DAY; // a UTC midnight

function event(messageId: string, timestamp: number, workspaceId = 'w1'): NewEvent {
  const payload = JSON.stringify({ type: 'track', event: 'Viewed', userId: 'u' });
  return {
    workspaceId,
    messageId,
    type: 'track',
    event: 'Viewed',
    userId: 'u',
    anonymousId: null,
    timestamp,
    receivedAt: timestamp,
    payload,
  };
}

function message(key: string, fields: Partial<OutboxRecord>): OutboxRecord {
  const at = T0 + DAY;
  return {
    workspaceId: 'w1',
    idempotencyKey: key,
    customerId: 'c1',
    runId: null,
    journeyId: 'j1',
    nodeId: 'send',
    kind: 'message',
    channel: 'email',
    status: 'delivered',
    payload: { template: 'hello', data: {} },
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}

const deliveryEvent = (id: string, key: string, kind: DeliveryEventRecord['kind'], at = T0 + DAY) =>
  ({ id, workspaceId: 'w1', customerId: 'c1', idempotencyKey: key, kind, at, detail: {} }) as DeliveryEventRecord;

for (const adapter of adapters) {
  describe(`overview store contract (${adapter.name})`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ store, dispose } = await adapter.open());
      // Day 0: three events of two customers (one not yet resolved); day 1: one event; plus an old and a foreign one.
      await store.appendEvents([
        event('a', T0 + 1000),
        event('b', T0 + 2000),
        event('c', T0 + 3000),
        event('d', T0 + DAY + 5),
        event('old', T0 - 3 * DAY),
        event('other', T0 + 10, 'w2'),
      ]);
      await store.acquireCursor({ name: 'test', owner: 'me', now: 0, leaseMs: 1e12 });
      const customers = ['c1', 'c2', null, 'c1', 'c1', 'c9'];
      await store.applyResolution({
        upsertProfiles: [],
        merges: [],
        upsertIdentities: [],
        assignEvents: customers.flatMap((customerId, i) => (customerId ? [{ seq: i + 1, customerId }] : [])),
        audit: [],
        cursor: { name: 'test', position: 6, owner: 'me' },
      });
      await store.journeys.applyJourneyChange({
        runs: [],
        addTimers: [],
        deleteTimers: [],
        events: [],
        counts: [],
        outbox: [
          message('m1', {}),
          message('m2', {}),
          message('m3', { channel: 'sms', status: 'dead' }),
          message('m4', { createdAt: T0 - 5 * DAY }),
          message('w', { kind: 'webhook', channel: null }),
        ],
      });
      await store.delivery.recordDeliveryEvents({
        events: [
          deliveryEvent('e1', 'm1', 'delivered'),
          deliveryEvent('e2', 'm2', 'delivered'),
          deliveryEvent('e3', 'm1', 'opened'),
          deliveryEvent('e4', 'm1', 'opened'),
          deliveryEvent('e5', 'm4', 'delivered', T0 - 5 * DAY),
        ],
        statuses: [],
        timeline: [],
      });
    });
    after(async () => {
      await store.close();
      await dispose();
    });

    it('counts events and distinct customers per UTC day of event time', async () => {
      assert.deepEqual(await store.overview.dailyActivity('w1', T0), [
        { day: T0, events: 3, customers: 2 },
        { day: T0 + DAY, events: 1, customers: 1 },
      ]);
      assert.deepEqual(await store.overview.dailyActivity('w1', T0 + DAY), [
        { day: T0 + DAY, events: 1, customers: 1 },
      ]);
    });

    it('counts from `since` itself when it falls inside a day (the day index only narrows the walk)', async () => {
      assert.deepEqual(await store.overview.dailyActivity('w1', T0 + 2000), [
        { day: T0, events: 2, customers: 1 },
        { day: T0 + DAY, events: 1, customers: 1 },
      ]);
      assert.deepEqual(await store.overview.messageCounts('w1', T0 + DAY + 1), []);
      assert.deepEqual(await store.overview.deliveryEventCounts('w1', T0 + DAY + 1), {});
    });

    it('counts messages per channel and status since a time, leaving out webhooks', async () => {
      assert.deepEqual(await store.overview.messageCounts('w1', T0), [
        { channel: 'email', status: 'delivered', count: 2 },
        { channel: 'sms', status: 'dead', count: 1 },
      ]);
      assert.deepEqual(await store.overview.messageCounts('w2', T0), []);
    });

    it('counts distinct messages per delivery event kind, so repeated opens count once', async () => {
      assert.deepEqual(await store.overview.deliveryEventCounts('w1', T0), { delivered: 2, opened: 1 });
    });
  });
}
