import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Store } from '../storage/store.ts';
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
  transient,
} from './test-delivery.ts';

describe('channel health', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let clock: ManualClock;

  beforeEach(async () => {
    ({ store, dispose } = await openTestStore());
    clock = new ManualClock(START);
    await addCustomer(store);
  });
  afterEach(() => dispose());

  const failing = async () => (await store.delivery.unhealthyChannels(clock.now())).map((h) => h.channel).sort();

  it("marks a provider's channels failing when its breaker opens, and clears them when a send goes through", async () => {
    const replies = [transient('421 try later'), transient('timeout'), transient('503'), ok('1')];
    const worker = testWorker(store, clock, [{ provider: new ScriptedProvider('flaky', replies) }]);
    await addOutbox(store, [outboxEntry('a'), outboxEntry('b'), outboxEntry('c')]);
    await worker.deliverDue();
    const marked = await store.delivery.unhealthyChannels(clock.now());
    assert.deepEqual(
      marked.map((h) => [h.channel, h.provider, h.reason, h.unhealthyUntil]).sort(),
      ['email', 'sms', 'webhook'].map((c) => [c, 'flaky', '503', clock.now() + 60_000]),
    );
    clock.advance(10_000); // the breaker half-opens: the probe goes, succeeds and closes it
    await worker.deliverDue();
    assert.deepEqual(await failing(), []);
  });

  it('lets the mark run out when nothing is tried, so the channel is tried again', async () => {
    const provider = new ScriptedProvider('down', [transient('a'), transient('b'), transient('c')]);
    await addOutbox(store, [outboxEntry('a'), outboxEntry('b'), outboxEntry('c')]);
    await testWorker(store, clock, [{ provider }]).deliverDue();
    assert.deepEqual(await failing(), ['email', 'sms', 'webhook']);
    clock.advance(60_000);
    assert.deepEqual(await failing(), []);
  });
});
