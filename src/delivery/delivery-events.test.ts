import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Store } from '../storage/store.ts';
import { DeliveryEvents } from './delivery-events.ts';
import { OutboxStatusEvents } from './provider-status-events.ts';
import {
  addCustomer,
  addOutbox,
  ManualClock,
  ok,
  openTestStore,
  outboxEntry,
  ScriptedProvider,
  START,
  testWorker,
  WS,
} from './test-delivery.ts';

describe('delivery events after the send', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let timelineNotified = 0;
  let events: DeliveryEvents;

  beforeEach(async () => {
    ({ store, dispose } = await openTestStore());
    await addCustomer(store);
    await addOutbox(store, [outboxEntry('a')]);
    const provider = new ScriptedProvider('twilio', [ok('SM123')]);
    await testWorker(store, new ManualClock(START), [{ provider }]).deliverDue();
    timelineNotified = 0;
    events = new DeliveryEvents({ store, onTimeline: () => timelineNotified++ });
  });
  afterEach(() => dispose());

  const kinds = async () => (await store.delivery.deliveryEvents(WS, 'a')).map((e) => e.kind);
  const status = async () => (await store.delivery.findMessage({ workspaceId: WS, idempotencyKey: 'a' }))?.status;

  it("finds the message by the provider's id, records the event, moves its status and writes the timeline event", async () => {
    const found = await events.record({
      provider: 'twilio',
      providerMessageId: 'SM123',
      kind: 'delivered',
      at: START + 5_000,
      status: 'delivered',
      timeline: true,
    });
    assert.equal(found?.idempotencyKey, 'a');
    assert.deepEqual(await kinds(), ['sent', 'delivered']);
    assert.equal(await status(), 'delivered');
    const names = (await store.readEventsAfter(0, 10)).map((e) => e.event);
    // The send itself stays off the event log (the timeline shows it from the outbox); callbacks go on it.
    assert.deepEqual(names, ['Message Delivered']);
    assert.equal(timelineNotified, 1);
  });

  it('by our key, without a timeline event unless asked, and nothing for a message it cannot find', async () => {
    await events.record({ workspaceId: WS, idempotencyKey: 'a', kind: 'opened', at: START + 1, detail: { ip: 'x' } });
    assert.deepEqual(await kinds(), ['sent', 'opened']);
    assert.equal(await status(), 'sent');
    assert.equal((await store.readEventsAfter(0, 10)).length, 0);
    assert.equal(
      await events.record({ provider: 'twilio', providerMessageId: 'nope', kind: 'opened', at: 1 }),
      undefined,
    );
    assert.equal(timelineNotified, 0);
  });

  it('provider status webhooks settle the outbox row and reach the timeline once per status', async () => {
    const sink = new OutboxStatusEvents(events);
    const base = {
      workspaceId: WS,
      provider: 'twilio',
      channel: 'sms' as const,
      providerMessageId: 'SM123',
      at: START + 9,
    };
    await sink.record({ ...base, status: 'queued', providerStatus: 'queued' });
    assert.deepEqual(await kinds(), ['sent']);
    const failed = {
      ...base,
      status: 'failed' as const,
      providerStatus: 'undelivered',
      error: { code: '30003', message: 'Unreachable' },
    };
    await sink.record(failed);
    await sink.record({ ...failed, at: START + 10 });
    assert.deepEqual(await kinds(), ['sent', 'bounced']);
    assert.equal(await status(), 'bounced');
    const detail = (await store.delivery.deliveryEvents(WS, 'a'))[1]?.detail;
    assert.deepEqual(detail, {
      provider: 'twilio',
      provider_status: 'undelivered',
      error_code: '30003',
      error_message: 'Unreachable',
      bounce: 'soft',
    });
    const names = (await store.readEventsAfter(0, 10)).map((e) => e.event);
    assert.deepEqual(names, ['Message Bounced'], 'a retried webhook is on the timeline once');
  });
});
