import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addOutbox, outboxEntry, WS } from '../delivery/test-delivery.ts';
import { type DeliveryOutcome, type MessageStatus, SEND_STARTED } from './delivery-store.ts';
import type { OutboxRecord } from './journey-store.ts';
import type { NewEvent, Store } from './store.ts';
import { storeAdapters as adapters } from './test-store-adapters.ts';

/** The delivery tests' outbox entry, with this suite's payload and time. */
const entry = (key: string, fields: Partial<OutboxRecord> = {}): OutboxRecord =>
  outboxEntry(key, {
    payload: { template: 'hello', address: 'ada@example.com', data: {} },
    createdAt: 100,
    updatedAt: 100,
    ...fields,
  });

function timelineEvent(messageId: string): NewEvent {
  return {
    workspaceId: WS,
    messageId,
    type: 'track',
    event: 'Message Sent',
    userId: 'u1',
    anonymousId: null,
    timestamp: 200,
    receivedAt: 200,
    payload: JSON.stringify({ type: 'track', event: 'Message Sent', userId: 'u1' }),
  };
}

function sent(key: string, owner: string, fields: Partial<DeliveryOutcome> = {}): DeliveryOutcome {
  return {
    workspaceId: WS,
    idempotencyKey: key,
    owner,
    at: 200,
    status: 'sent',
    attempts: 1,
    nextAttemptAt: 200,
    provider: 'dev-sink',
    providerMessageId: `pm-${key}`,
    lastError: null,
    sentAt: 200,
    content: { channel: 'email', subject: 'Hi', text: 'Hello', html: '<p>Hello</p>' },
    events: [
      { id: `e-${key}`, workspaceId: WS, customerId: 'c1', idempotencyKey: key, kind: 'sent', at: 200, detail: {} },
    ],
    ...fields,
  };
}

/** Each case gets its own database: claims are global, so cases sharing one would take each other's work. */
async function withStore(adapter: (typeof adapters)[number], work: (store: Store) => Promise<void>): Promise<void> {
  const { store, dispose } = await adapter.open();
  try {
    await work(store);
  } finally {
    await store.close();
    await dispose();
  }
}

for (const adapter of adapters) {
  describe(`DeliveryStore contract: ${adapter.name}`, () => {
    it('claims due pending entries once, oldest first, and re-claims an expired claim as recovered', () =>
      withStore(adapter, async (store) => {
        await addOutbox(store, [entry('a'), entry('b'), entry('s', { status: 'suppressed' })]);
        const first = await store.delivery.claimDue({ owner: 'w1', now: 1_000, leaseMs: 500, limit: 1 });
        assert.deepEqual(
          first.map((m) => [m.idempotencyKey, m.status, m.recovered, m.attempts]),
          [['a', 'sending', false, 0]],
        );
        const second = await store.delivery.claimDue({ owner: 'w2', now: 1_000, leaseMs: 500, limit: 10 });
        assert.deepEqual(
          second.map((m) => m.idempotencyKey),
          ['b'],
        );
        assert.equal((await store.delivery.claimDue({ owner: 'w2', now: 1_499, leaseMs: 500, limit: 10 })).length, 0);
        const again = await store.delivery.claimDue({ owner: 'w3', now: 1_500, leaseMs: 500, limit: 10 });
        assert.deepEqual(again.map((m) => [m.idempotencyKey, m.recovered]).sort(), [
          ['a', true],
          ['b', true],
        ]);
        // The first owner's outcome arrives late: the claim is w3's now, so nothing of it is written.
        assert.equal(await store.delivery.recordOutcomes([sent('a', 'w1')]), 0);
        const a = await store.delivery.findMessage({ workspaceId: WS, idempotencyKey: 'a' });
        assert.equal(a?.status, 'sending');
        assert.deepEqual(await store.delivery.deliveryEvents(WS, 'a'), []);
      }));

    it('never gives one entry to two concurrent claimers', () =>
      withStore(adapter, async (store) => {
        await addOutbox(
          store,
          Array.from({ length: 300 }, (_, i) => entry(`k${String(i).padStart(3, '0')}`)),
        );
        const claims = await Promise.all(
          ['w1', 'w2', 'w3', 'w4'].map((owner) =>
            store.delivery.claimDue({ owner, now: 1_000, leaseMs: 60_000, limit: 100 }),
          ),
        );
        const keys = claims.flat().map((m) => m.idempotencyKey);
        assert.equal(keys.length, 300);
        assert.equal(new Set(keys).size, 300);
      }));

    it('records an outcome with its delivery events in one go, off the event log', () =>
      withStore(adapter, async (store) => {
        await addOutbox(store, [entry('a'), entry('b')]);
        await store.delivery.claimDue({ owner: 'w1', now: 1_000, leaseMs: 500, limit: 10 });
        const retry = sent('b', 'w1', {
          status: 'pending',
          nextAttemptAt: 5_000,
          providerMessageId: undefined,
          lastError: 'timeout',
          sentAt: undefined,
          content: undefined,
          events: [],
        });
        assert.equal(await store.delivery.recordOutcomes([sent('a', 'w1'), retry]), 2);
        const a = await store.delivery.findMessage({ workspaceId: WS, idempotencyKey: 'a' });
        assert.equal(a?.status, 'sent');
        assert.equal(a?.attempts, 1);
        assert.equal(a?.providerMessageId, 'pm-a');
        assert.equal(a?.sentAt, 200);
        assert.deepEqual(a?.content, { channel: 'email', subject: 'Hi', text: 'Hello', html: '<p>Hello</p>' });
        assert.deepEqual(
          (await store.delivery.deliveryEvents(WS, 'a')).map((e) => e.kind),
          ['sent'],
        );
        assert.equal((await store.readEventsAfter(0, 10)).length, 0);
        const b = await store.delivery.findMessage({ workspaceId: WS, idempotencyKey: 'b' });
        assert.deepEqual([b?.status, b?.lastError, b?.nextAttemptAt, b?.content], ['pending', 'timeout', 5_000, null]);
        assert.equal((await store.delivery.claimDue({ owner: 'w1', now: 4_999, leaseMs: 500, limit: 10 })).length, 0);
        const due = await store.delivery.claimDue({ owner: 'w1', now: 5_000, leaseMs: 500, limit: 10 });
        assert.deepEqual(
          due.map((m) => [m.idempotencyKey, m.attempts, m.recovered]),
          [['b', 1, false]],
        );
      }));

    it('finds a message by its provider id and records later events with a status change', () =>
      withStore(adapter, async (store) => {
        await addOutbox(store, [entry('a')]);
        await store.delivery.claimDue({ owner: 'w1', now: 1_000, leaseMs: 500, limit: 10 });
        await store.delivery.recordOutcomes([sent('a', 'w1')]);
        const found = await store.delivery.findMessage({ provider: 'dev-sink', providerMessageId: 'pm-a' });
        assert.equal(found?.idempotencyKey, 'a');
        assert.equal(await store.delivery.findMessage({ provider: 'smtp', providerMessageId: 'pm-a' }), undefined);
        await store.delivery.recordDeliveryEvents({
          events: [
            {
              id: 'e2',
              workspaceId: WS,
              customerId: 'c1',
              idempotencyKey: 'a',
              kind: 'bounced',
              at: 300,
              detail: { code: '550' },
            },
          ],
          statuses: [{ workspaceId: WS, idempotencyKey: 'a', status: 'bounced', at: 300 }],
          timeline: [timelineEvent('delivery:a:bounced')],
        });
        const events = await store.delivery.deliveryEvents(WS, 'a');
        assert.deepEqual(
          events.map((e) => [e.kind, e.detail]),
          [
            ['sent', {}],
            ['bounced', { code: '550' }],
          ],
        );
        assert.equal((await store.delivery.findMessage({ workspaceId: WS, idempotencyKey: 'a' }))?.status, 'bounced');
        assert.equal(await store.hasEvent(WS, 'delivery:a:bounced'), true);
      }));

    it('retries only dead letters, from a fresh count of attempts', () =>
      withStore(adapter, async (store) => {
        await addOutbox(store, [entry('dead'), entry('ok')]);
        await store.delivery.claimDue({ owner: 'w1', now: 1_000, leaseMs: 500, limit: 10 });
        await store.delivery.recordOutcomes([
          sent('dead', 'w1', { status: 'dead', attempts: 8, lastError: 'down', events: [] }),
          sent('ok', 'w1', { events: [] }),
        ]);
        assert.deepEqual(await store.delivery.retryMessage({ workspaceId: WS, idempotencyKey: 'ok', now: 2_000 }), {
          ok: false,
          reason: 'not_dead',
        });
        assert.deepEqual(await store.delivery.retryMessage({ workspaceId: WS, idempotencyKey: 'nope', now: 2_000 }), {
          ok: false,
          reason: 'not_found',
        });
        const retried = await store.delivery.retryMessage({ workspaceId: WS, idempotencyKey: 'dead', now: 2_000 });
        assert.ok(retried.ok);
        assert.deepEqual(
          [retried.message.status, retried.message.attempts, retried.message.lastError],
          ['pending', 0, 'down'],
        );
        const claimed = await store.delivery.claimDue({ owner: 'w1', now: 2_000, leaseMs: 500, limit: 10 });
        assert.deepEqual(
          claimed.map((m) => m.idempotencyKey),
          ['dead'],
        );
      }));

    it('lists messages by filter, newest first, and counts them by status', () =>
      withStore(adapter, async (store) => {
        await addOutbox(store, [
          entry('m1', { createdAt: 1 }),
          entry('m2', { createdAt: 2, channel: 'sms', customerId: 'c2' }),
          entry('m3', { createdAt: 3, journeyId: 'j2', status: 'suppressed' }),
          entry('other', { workspaceId: 'ws2' }),
        ]);
        const keys = async (query: Partial<Parameters<Store['delivery']['listMessages']>[0]>) =>
          (await store.delivery.listMessages({ workspaceId: WS, limit: 10, ...query })).map((m) => m.idempotencyKey);
        assert.deepEqual(await keys({}), ['m3', 'm2', 'm1']);
        assert.deepEqual(await keys({ limit: 2 }), ['m3', 'm2']);
        assert.deepEqual(await keys({ channel: 'sms' }), ['m2']);
        assert.deepEqual(await keys({ customerId: 'c2' }), ['m2']);
        assert.deepEqual(await keys({ journeyId: 'j2' }), ['m3']);
        assert.deepEqual(await keys({ statuses: ['pending'] }), ['m2', 'm1']);
        assert.deepEqual(await store.delivery.countByStatus(WS), { pending: 2, suppressed: 1 });
        assert.deepEqual(await store.delivery.countByStatus(), { pending: 3, suppressed: 1 });
      }));

    it('lists held (scheduled) messages with their planned time; a claim never takes one, even once it is due', () =>
      withStore(adapter, async (store) => {
        await addOutbox(store, [
          entry('held', { createdAt: 2, status: 'scheduled', nextAttemptAt: 9_000 }),
          entry('queued', { createdAt: 1 }),
        ]);
        const held = await store.delivery.listMessages({ workspaceId: WS, statuses: ['scheduled'], limit: 10 });
        assert.deepEqual(
          held.map((m) => [m.idempotencyKey, m.status, m.nextAttemptAt]),
          [['held', 'scheduled', 9_000]],
        );
        assert.deepEqual(await store.delivery.countByStatus(WS), { pending: 1, scheduled: 1 });
        // Only the decision engine moves it on (decided again when its timer fires).
        const claimed = await store.delivery.claimDue({ owner: 'w1', now: 10_000, leaseMs: 500, limit: 10 });
        assert.deepEqual(
          claimed.map((m) => m.idempotencyKey),
          ['queued'],
        );
      }));

    it('a pending outcome with a reason replaces the start mark, so a later expired claim is not one that started', () =>
      withStore(adapter, async (store) => {
        await addOutbox(store, [entry('a')]);
        await store.delivery.claimDue({ owner: 'w1', now: 1_000, leaseMs: 500, limit: 10 });
        await store.delivery.markStarted({ owner: 'w1', messages: [{ workspaceId: WS, idempotencyKey: 'a' }] });
        assert.equal(
          (await store.delivery.findMessage({ workspaceId: WS, idempotencyKey: 'a' }))?.lastError,
          SEND_STARTED,
        );
        const waits = "not tried: smtp's circuit is open until …";
        const deferred = sent('a', 'w1', {
          status: 'pending',
          attempts: 0,
          nextAttemptAt: 2_000,
          provider: undefined,
          providerMessageId: undefined,
          lastError: waits,
          sentAt: undefined,
          content: undefined,
          events: [],
        });
        assert.equal(await store.delivery.recordOutcomes([deferred]), 1);
        // Claimed again by a worker that stops before sending: the claim expires with the reason, not the mark.
        await store.delivery.claimDue({ owner: 'w2', now: 2_000, leaseMs: 500, limit: 10 });
        const [recovered] = await store.delivery.claimDue({ owner: 'w3', now: 2_500, leaseMs: 500, limit: 10 });
        assert.deepEqual(
          [recovered?.idempotencyKey, recovered?.recovered, recovered?.attempts, recovered?.lastError],
          ['a', true, 0, waits],
        );
      }));

    it("pages a workspace's messages newest first across days and statuses, keys ascending at one instant", () =>
      withStore(adapter, async (store) => {
        const day = 86_400_000;
        const times = [3 * day + 5, day - 1, day, 2 * day + 7, day, 3 * day + 5, 2 * day - 1, 5, day];
        const statuses = ['dead', 'failed', 'pending'] as const;
        const status = (i: number) => statuses[i % 3] as MessageStatus;
        await addOutbox(
          store,
          times.map((createdAt, i) => entry(`k${i}`, { createdAt, customerId: `c${i % 2}`, status: status(i) })),
        );
        for (const only of [undefined, ['failed', 'dead'] as MessageStatus[]]) {
          const expected = times
            .map((at, i) => ({ at, key: `k${i}`, status: status(i) }))
            .filter((m) => !only || only.includes(m.status))
            .sort((a, b) => b.at - a.at || a.key.localeCompare(b.key))
            .map((m) => m.key);
          const seen: string[] = [];
          let before: { at: number; afterKey: string } | undefined;
          for (let pages = 0; pages < 10; pages++) {
            const page = await store.delivery.listMessages({ workspaceId: WS, statuses: only, limit: 2, before });
            const last = page.at(-1);
            if (!last) break;
            seen.push(...page.map((m) => m.idempotencyKey));
            before = { at: last.createdAt, afterKey: last.idempotencyKey };
          }
          assert.deepEqual(seen, expected, `statuses ${only ?? 'any'}`);
        }
      }));

    it('erasing a customer deletes their delivery events with their messages', () =>
      withStore(adapter, async (store) => {
        await store.createWorkspace({ id: WS, name: 'one', createdAt: 1 });
        await addOutbox(store, [entry('a')]);
        await store.delivery.claimDue({ owner: 'w1', now: 1_000, leaseMs: 500, limit: 10 });
        await store.delivery.recordOutcomes([sent('a', 'w1')]);
        await store.deleteCustomer(WS, 'c1');
        assert.deepEqual(await store.delivery.deliveryEvents(WS, 'a'), []);
        assert.equal(await store.delivery.findMessage({ workspaceId: WS, idempotencyKey: 'a' }), undefined);
      }));

    it('keeps one health row per channel: failing until a time, healthy again at 0', () =>
      withStore(adapter, async (store) => {
        const row = { provider: 'smtp', reason: 'ECONNREFUSED', updatedAt: 1_000 };
        await store.delivery.setChannelHealth([{ ...row, channel: 'email', unhealthyUntil: 61_000 }]);
        await store.delivery.setChannelHealth([{ ...row, channel: 'sms', provider: 'twilio', unhealthyUntil: 5_000 }]);
        assert.deepEqual((await store.delivery.unhealthyChannels(2_000)).map((h) => h.channel).sort(), [
          'email',
          'sms',
        ]);
        assert.deepEqual(await store.delivery.unhealthyChannels(5_000), [
          { ...row, channel: 'email', unhealthyUntil: 61_000 },
        ]);
        await store.delivery.setChannelHealth([{ ...row, channel: 'email', unhealthyUntil: 0, updatedAt: 3_000 }]);
        assert.deepEqual(await store.delivery.unhealthyChannels(2_000), [
          { ...row, channel: 'sms', provider: 'twilio', unhealthyUntil: 5_000 },
        ]);
      }));
  });
}
