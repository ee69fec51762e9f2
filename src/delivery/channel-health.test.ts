import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Store } from '../storage/store.ts';
import { ChannelHealthReporter, withoutAddresses } from './channel-health.ts';
import { ProviderRegistry } from './provider-registry.ts';
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

describe('a failing reason shown to every workspace', () => {
  it('leaves out addresses and phone numbers, not status codes', () => {
    assert.equal(
      withoutAddresses('450 4.2.0 <bob@example.com>: greylisted; twilio 30003 to +44 20 7946 0958 unreachable'),
      '450 4.2.0 <<address>>: greylisted; twilio 30003 to <number> unreachable',
    );
  });
});

describe('channel health reporter', () => {
  it('neither renews nor clears a mark while the breaker waits half-open for a probe', async () => {
    const { store, dispose } = await openTestStore();
    try {
      const provider = new ScriptedProvider('flaky', [ok()]);
      const registry = new ProviderRegistry({
        providers: [{ provider }],
        channels: { sms: 'flaky' },
        breaker: { failureThreshold: 1, openMs: 10_000, maxOpenMs: 10_000 },
      });
      const reporter = new ChannelHealthReporter(store.delivery, registry, 60_000);
      registry.forChannel('sms')?.breaker.failure(START);
      await reporter.afterSlice(START, []);
      const until = async (now: number) => (await store.delivery.unhealthyChannels(now)).map((h) => h.unhealthyUntil);
      assert.deepEqual(await until(START), [START + 60_000]);
      // Other providers' slices go on; no probe has gone to this one.
      for (const at of [START + 10_000, START + 40_000, START + 59_000]) await reporter.afterSlice(at, []);
      assert.deepEqual(await until(START + 59_000), [START + 60_000], 'not renewed while half-open');
      assert.deepEqual(await until(START + 60_000), [], 'it runs out, and best sends try the channel again');
    } finally {
      await dispose();
    }
  });
});
