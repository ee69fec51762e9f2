import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DeliveryEvents } from '../../delivery/delivery-events.ts';
import { addCustomer, addOutbox, openTestStore, outboxEntry, START, WS } from '../../delivery/test-delivery.ts';
import type { Store } from '../../storage/store.ts';

/** Opens, clicks and replies recorded by delivery events feed the engagement counters, once per message. */
describe('engagement responses from delivery events', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await openTestStore());
    await addCustomer(store);
    const explanation = { outcome: 'send', channel: 'email', at: START, hourOfWeek: 100, reasons: [] };
    await addOutbox(store, [
      outboxEntry('decided', { status: 'sent', payload: { explanation } }),
      outboxEntry('api', { status: 'sent' }),
    ]);
  });
  afterEach(() => dispose());

  it('credits the first response of a decided message at its hour of week; a click after the open adds nothing', async () => {
    const events = new DeliveryEvents({ store });
    const ref = { workspaceId: WS, idempotencyKey: 'decided' };
    await events.record({ ...ref, kind: 'delivered', at: START + 1 });
    assert.deepEqual(await store.decisions.engagementOf(WS, ['c1']), [], 'delivered is not a response');
    await events.record({ ...ref, kind: 'opened', at: START + 2 });
    await events.record({ ...ref, kind: 'clicked', at: START + 3 });
    await events.record({ workspaceId: WS, idempotencyKey: 'api', kind: 'opened', at: START + 4 });
    assert.deepEqual(await store.decisions.engagementOf(WS, ['c1']), [
      { customerId: 'c1', channel: 'email', hourOfWeek: 100, sends: 0, responses: 1 },
    ]);
  });
});
