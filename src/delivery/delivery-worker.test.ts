import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SEND_STARTED } from '../storage/delivery-store.ts';
import type { Store } from '../storage/store.ts';
import type { ProviderEntry } from './provider-registry.ts';
import { DevSinkProvider } from './providers/dev-sink/dev-sink-provider.ts';
import {
  addCustomer,
  addOutbox,
  ManualClock,
  ok,
  openTestStore,
  outboxEntry,
  permanent,
  ScriptedProvider,
  START,
  testWorker,
  transient,
  WS,
} from './test-delivery.ts';

describe('delivery worker', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let clock: ManualClock;

  beforeEach(async () => {
    ({ store, dispose } = await openTestStore());
    clock = new ManualClock(START);
  });
  afterEach(() => dispose());

  const message = (key: string) => store.delivery.findMessage({ workspaceId: WS, idempotencyKey: key });
  const kinds = async (key: string) => (await store.delivery.deliveryEvents(WS, key)).map((e) => e.kind);

  it('renders and sends a pending message, keeping its content and a delivery event', async () => {
    await addCustomer(store);
    const sink = new DevSinkProvider();
    await addOutbox(store, [outboxEntry('a'), outboxEntry('quiet', { status: 'suppressed' })]);
    const counts = await testWorker(store, clock, [{ provider: sink }]).deliverDue();
    assert.deepEqual(counts, { claimed: 1, sent: 1, retried: 0, deferred: 0, failed: 0 });
    assert.equal(sink.count, 1);
    const sent = sink.messages()[0];
    assert.equal(sent?.address, 'ada@example.com');
    assert.deepEqual(sent?.content, {
      channel: 'email',
      subject: 'welcome',
      text: 'welcome\n\nname: Ada',
      html: '<pre>welcome\n\nname: Ada</pre>',
    });
    const a = await message('a');
    assert.deepEqual(
      [a?.status, a?.attempts, a?.provider, a?.providerMessageId, a?.sentAt],
      ['delivered', 1, 'dev-sink', 'dev-sink:a', START],
    );
    assert.deepEqual(a?.content, sent?.content);
    assert.deepEqual(await kinds('a'), ['delivered']);
    // The outcome is the message's status; the event log (what every stage reads) gets nothing.
    assert.deepEqual(await store.readEventsAfter(0, 10), []);
    assert.equal((await message('quiet'))?.status, 'suppressed');
  });

  it('retries a transient failure after a jittered backoff, then dead-letters it with the last error', async () => {
    const provider = new ScriptedProvider('flaky', [transient('timeout 1'), transient('timeout 2'), transient('503')]);
    const worker = testWorker(store, clock, [{ provider }]);
    await addOutbox(store, [outboxEntry('a')]);
    assert.equal((await worker.deliverDue()).retried, 1);
    let a = await message('a');
    // random 0.5 of a 1 s cap, then of 2 s.
    assert.deepEqual(
      [a?.status, a?.attempts, a?.lastError, a?.nextAttemptAt],
      ['pending', 1, 'timeout 1', START + 500],
    );
    clock.advance(499);
    assert.equal((await worker.deliverDue()).claimed, 0);
    clock.advance(1);
    await worker.deliverDue();
    a = await message('a');
    assert.deepEqual([a?.attempts, a?.nextAttemptAt], [2, START + 1_500]);
    clock.advance(1_000);
    assert.equal((await worker.deliverDue()).failed, 1);
    a = await message('a');
    assert.deepEqual([a?.status, a?.attempts, a?.lastError], ['dead', 3, '503']);
    assert.deepEqual(await kinds('a'), ['dead']);
    assert.equal(provider.sent.length, 3);
    assert.ok(provider.sent.every((m) => m.idempotencyKey === 'a'));
    clock.advance(3_600_000);
    assert.equal((await worker.deliverDue()).claimed, 0);
  });

  it("waits at least the provider's retry-after", async () => {
    const provider = new ScriptedProvider('limited', [transient('429', 30_000), ok()]);
    const worker = testWorker(store, clock, [{ provider }]);
    await addOutbox(store, [outboxEntry('a')]);
    await worker.deliverDue();
    assert.equal((await message('a'))?.nextAttemptAt, START + 30_000);
  });

  it('fails a permanent error at once, without retries', async () => {
    const provider = new ScriptedProvider('strict', [permanent('550 no such user')]);
    const worker = testWorker(store, clock, [{ provider }]);
    await addOutbox(store, [outboxEntry('a')]);
    assert.equal((await worker.deliverDue()).failed, 1);
    const a = await message('a');
    assert.deepEqual([a?.status, a?.attempts, a?.lastError], ['failed', 1, '550 no such user']);
    assert.deepEqual(await kinds('a'), ['failed']);
    clock.advance(3_600_000);
    assert.equal((await worker.deliverDue()).claimed, 0);
    assert.equal(provider.sent.length, 1);
  });

  it('fails a message whose channel has no provider, or that cannot be rendered', async () => {
    const provider = new ScriptedProvider('mail', [ok()]);
    const worker = testWorker(store, clock, [{ provider }]);
    await addOutbox(store, [outboxEntry('push', { channel: 'push' }), outboxEntry('odd', { channel: 'email' })]);
    const renderer = { render: async () => ({ error: 'template welcome: no email content' }) };
    await testWorker(store, clock, [{ provider }], { renderer }).deliverDue();
    assert.match((await message('push'))?.lastError ?? '', /no provider is configured for channel push/);
    assert.equal((await message('odd'))?.lastError, 'template welcome: no email content');
    assert.equal(provider.sent.length, 0);
    void worker;
  });

  it('sends webhook entries with their url, method and body, without the renderer', async () => {
    const provider = new ScriptedProvider('hooks', [ok()]);
    const renderer = { render: async () => ({ error: 'must not be called' }) };
    const worker = testWorker(store, clock, [{ provider }], { renderer });
    await addOutbox(store, [
      outboxEntry('hook', {
        kind: 'webhook',
        channel: 'webhook',
        payload: { url: 'https://example.com/hook', method: 'PUT', body: { a: 1 } },
      }),
    ]);
    await worker.deliverDue();
    assert.equal((await message('hook'))?.status, 'sent');
    assert.deepEqual(provider.sent[0]?.content, {
      channel: 'webhook',
      url: 'https://example.com/hook',
      method: 'PUT',
      body: { a: 1 },
    });
    assert.equal(provider.sent[0]?.address, 'https://example.com/hook');
  });

  it('opens the circuit after consecutive failures: messages wait without using attempts, then a probe closes it', async () => {
    const provider = new ScriptedProvider('down', [transient(), transient(), transient(), ok()]);
    // One at a time, so the failures are consecutive in a known order.
    const worker = testWorker(store, clock, [{ provider, limits: { concurrency: 1 } }], { batchSize: 1 });
    await addOutbox(
      store,
      ['a', 'b', 'c', 'd', 'e'].map((k) => outboxEntry(k)),
    );
    for (let i = 0; i < 3; i++) await worker.deliverDue();
    assert.equal(provider.sent.length, 3);
    // Open: d is put back until the circuit half-opens, its attempts untouched.
    assert.equal((await worker.deliverDue()).deferred, 1);
    const d = await message('d');
    assert.deepEqual([d?.status, d?.attempts, d?.nextAttemptAt], ['pending', 0, START + 10_000]);
    assert.equal(provider.sent.length, 3);
    clock.advance(10_000);
    // Half-open: the first due message is the probe; it succeeds and the circuit closes.
    const probe = await worker.deliverDue();
    assert.equal(probe.sent, 1);
    assert.equal((await worker.deliverDue()).sent, 1);
    assert.equal(provider.sent.length, 5);
  });

  it('a message the open circuit turns back says why, without the start mark, and a crash does not make it possibly sent', async () => {
    await addCustomer(store);
    // Cannot dedupe: each send is marked as started first (the marks cover the next 15 of the slice too).
    const provider = new ScriptedProvider(
      'plain',
      [transient('421 busy'), transient('421 busy'), transient(), ok()],
      false,
    );
    const worker = testWorker(store, clock, [{ provider, limits: { concurrency: 1 } }]);
    await addOutbox(
      store,
      ['a', 'b', 'c', 'd', 'e'].map((k) => outboxEntry(k)),
    );
    const first = await worker.deliverDue();
    assert.deepEqual([first.retried, first.deferred], [3, 2]);
    assert.equal(provider.sent.length, 3);
    const d = await message('d');
    const open = "not tried: plain's circuit is open until 2026-01-01T00:00:10.000Z";
    assert.deepEqual([d?.status, d?.attempts, d?.lastError], ['pending', 0, open]);
    assert.equal((await message('e'))?.lastError, open);

    // Claimed again by a worker that dies before d's send starts: d never went out.
    clock.advance(10_000);
    const claimed = await store.delivery.claimDue({ owner: 'crashed', now: clock.now(), leaseMs: 60_000, limit: 10 });
    assert.ok(claimed.some((m) => m.idempotencyKey === 'd'));
    clock.advance(60_000);
    await worker.deliverDue();
    for (const key of ['d', 'e']) {
      const m = await message(key);
      assert.deepEqual([m?.status, m?.lastError], ['sent', null], key);
    }
    assert.deepEqual(
      provider.sent.slice(3).map((m) => m.idempotencyKey),
      ['a', 'b', 'c', 'd', 'e'],
    );
  });

  it('a message deferred after failing says why it waits and what its last attempt met, once', async () => {
    const provider = new ScriptedProvider('down', [transient('503 busy')], false);
    const worker = testWorker(store, clock, [{ provider, limits: { concurrency: 1 } }], { batchSize: 1 });
    await addOutbox(
      store,
      ['a', 'b', 'c'].map((k) => outboxEntry(k)),
    );
    const lastErrors = async () =>
      (await store.delivery.listMessages({ workspaceId: WS, limit: 10 })).map((m) => m.lastError).sort();
    // Each fails once (retry at +500 ms); the third failure opens the circuit until +10 s.
    for (let i = 0; i < 3; i++) assert.equal((await worker.deliverDue()).retried, 1);
    clock.advance(500);
    for (let i = 0; i < 3; i++) assert.equal((await worker.deliverDue()).deferred, 1);
    const waits = "not tried: down's circuit is open until 2026-01-01T00:00:10.000Z; last error: 503 busy";
    assert.deepEqual(await lastErrors(), [waits, waits, waits]);
    // Half-open at +10 s: the probe fails and the circuit opens for 20 s; the next message is turned back again.
    clock.advance(9_500);
    assert.equal((await worker.deliverDue()).retried, 1);
    assert.equal((await worker.deliverDue()).deferred, 1);
    const again = "not tried: down's circuit is open until 2026-01-01T00:00:30.000Z; last error: 503 busy";
    assert.deepEqual(await lastErrors(), ['503 busy', waits, again]);
    assert.equal(provider.sent.length, 4);
  });

  it('sends no faster than the rate limit: the rest wait for their turn', async () => {
    const provider = new ScriptedProvider('slow', [ok()]);
    const worker = testWorker(store, clock, [{ provider, limits: { concurrency: 5, ratePerSecond: 2, burst: 2 } }], {
      maxRateWaitMs: 0,
    });
    await addOutbox(
      store,
      ['a', 'b', 'c', 'd', 'e'].map((k) => outboxEntry(k)),
    );
    const first = await worker.deliverDue();
    assert.deepEqual([first.sent, first.deferred], [2, 3]);
    const waiting = await store.delivery.listMessages({ workspaceId: WS, statuses: ['pending'], limit: 10 });
    // Each waits for the next free token, attempts untouched, and says so.
    const why = "not tried: slow's rate limit (2 a second) is used up until 2026-01-01T00:00:00.500Z";
    assert.deepEqual(
      waiting.map((m) => [m.attempts, m.nextAttemptAt - START, m.lastError]),
      [
        [0, 500, why],
        [0, 500, why],
        [0, 500, why],
      ],
    );
    clock.advance(500);
    const second = await worker.deliverDue();
    assert.deepEqual([second.sent, second.deferred], [1, 2]);
    assert.equal(provider.sent.length, 3);
  });

  it('records outcomes as sends finish, and marks only as many started as the provider can send at once', async () => {
    await addCustomer(store);
    const keys = Array.from({ length: 30 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    await addOutbox(
      store,
      keys.map((key, i) => outboxEntry(key, { createdAt: START + i })),
    );
    // A provider that cannot dedupe, two at a time; the 21st and 22nd sends hang (the process will "die" now).
    let sends = 0;
    const hung: (() => void)[] = [];
    const provider: ProviderEntry['provider'] = {
      name: 'smtp-like',
      channels: ['email', 'sms', 'webhook'],
      idempotent: false,
      send: () => {
        sends += 1;
        if (sends !== 21 && sends !== 22) return Promise.resolve(ok(`pm-${sends}`));
        return new Promise((resolve) => hung.push(() => resolve(ok('pm-late'))));
      },
    };
    const worker = testWorker(store, clock, [{ provider, limits: { concurrency: 2 } }]);
    const slice = worker.deliverDue();
    const sent = async () => (await Promise.all(keys.map((key) => message(key)))).filter((m) => m?.status === 'sent');
    for (let i = 0; i < 300 && (await sent()).length < 20; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await sent()).length, 20, 'the finished sends are recorded while the slice still sends');
    // Marked: only the two hanging, not the queued ones behind them. A crash now leaves 2 possibly sent.
    const marked = (await Promise.all(keys.map((key) => message(key)))).filter((m) => m?.lastError === SEND_STARTED);
    assert.deepEqual(
      marked.map((m) => m?.idempotencyKey),
      ['m20', 'm21'],
    );
    for (const answer of hung) answer();
    assert.equal((await slice).sent, 30);
  });

  it('a failed outcome write fails the slice, and the metrics still count the outcomes that were recorded', async () => {
    await addCustomer(store);
    const keys = Array.from({ length: 40 }, (_, i) => `w${String(i).padStart(2, '0')}`);
    await addOutbox(
      store,
      keys.map((key, i) => outboxEntry(key, { createdAt: START + i })),
    );
    let writes = 0;
    const delivery = Object.create(store.delivery) as Store['delivery'];
    delivery.recordOutcomes = (outcomes) =>
      ++writes === 1 ? store.delivery.recordOutcomes(outcomes) : Promise.reject(new Error('disk full'));
    const observed: string[] = [];
    // A provider that cannot dedupe: its outcomes are written as they come, 32 at a time.
    const provider = new ScriptedProvider('smtp-like', [ok()], false);
    const worker = testWorker(Object.create(store, { delivery: { value: delivery } }) as Store, clock, [{ provider }], {
      observer: { attempt: () => {}, outcomes: (messages) => observed.push(...messages.map((m) => m.idempotencyKey)) },
    });
    await assert.rejects(worker.deliverDue(), /disk full/);
    const sent = (await Promise.all(keys.map((key) => message(key)))).filter((m) => m?.status === 'sent');
    assert.equal(sent.length, 32, 'the first write of 32 is in');
    assert.deepEqual(observed.sort(), sent.map((m) => m?.idempotencyKey).sort());
  });

  describe('a claim that expired while sending (the worker stopped mid-send)', () => {
    /** A worker claimed `a` and, unless `started` is false, marked its send as started, then died. */
    const crashedClaim = async (started = true) => {
      await addOutbox(store, [outboxEntry('a')]);
      const [claimed] = await store.delivery.claimDue({ owner: 'crashed', now: START, leaseMs: 60_000, limit: 10 });
      assert.equal(claimed?.idempotencyKey, 'a');
      if (started)
        await store.delivery.markStarted({ owner: 'crashed', messages: [{ workspaceId: WS, idempotencyKey: 'a' }] });
    };

    it('is sent again under the same key when the provider dedupes', async () => {
      await crashedClaim();
      const provider = new ScriptedProvider('dedupes', [ok()], true);
      const worker = testWorker(store, clock, [{ provider }]);
      assert.equal((await worker.deliverDue()).claimed, 0);
      clock.advance(60_000);
      await worker.deliverDue();
      assert.equal((await message('a'))?.status, 'sent');
      assert.deepEqual(
        provider.sent.map((m) => m.idempotencyKey),
        ['a'],
      );
    });

    it('is marked possibly sent, and never sent again, when the provider cannot dedupe', async () => {
      await addCustomer(store);
      await crashedClaim();
      const provider = new ScriptedProvider('plain', [ok()], false);
      const worker = testWorker(store, clock, [{ provider }]);
      clock.advance(60_000);
      await worker.deliverDue();
      const a = await message('a');
      assert.equal(a?.status, 'possibly_sent');
      assert.equal(provider.sent.length, 0);
      assert.deepEqual(await kinds('a'), ['possibly_sent']);
      // What a person deciding whether to retry it needs, not the start mark ("send started; no answer recorded").
      const why =
        'the worker stopped while plain (email) was sending it, before any answer; it may have been sent and plain cannot dedupe, so it is not retried';
      assert.equal(a?.lastError, why);
      assert.equal((await store.delivery.deliveryEvents(WS, 'a'))[0]?.detail.reason, why);
      assert.equal((await store.readEventsAfter(0, 10)).length, 0, 'send outcomes stay off the event log');
      clock.advance(3_600_000);
      assert.equal((await worker.deliverDue()).claimed, 0);
      // A person may still decide to send it: retrying a possibly-sent message is allowed.
      const retried = await store.delivery.retryMessage({ workspaceId: WS, idempotencyKey: 'a', now: clock.now() });
      assert.equal(retried.ok, true);
    });

    it('is simply sent when its send never started (it was only queued behind others)', async () => {
      await crashedClaim(false);
      const provider = new ScriptedProvider('plain', [ok()], false);
      const worker = testWorker(store, clock, [{ provider }]);
      clock.advance(60_000);
      await worker.deliverDue();
      assert.equal((await message('a'))?.status, 'sent');
      assert.equal(provider.sent.length, 1);
    });
  });
});
