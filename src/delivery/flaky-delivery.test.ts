import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../shared/clock.ts';
import type { Store } from '../storage/store.ts';
import { DeliveryWorker } from './delivery-worker.ts';
import { PlainRenderer } from './plain-renderer.ts';
import { ProviderRegistry } from './provider-registry.ts';
import { createWebhookProvider } from './providers/webhook/webhook-provider.ts';
import { addOutbox, openTestStore, outboxEntry } from './test-delivery.ts';
import { FlakyServer, seededRandom } from './test-flaky-server.ts';

const MESSAGES = 300;

/**
 * The failure scenario, small: a real HTTP receiver refuses 30% of requests and is down for a
 * while mid-run; the worker (real clock, short backoff) gets every message through exactly once.
 */
describe('delivery through a flaky HTTP provider', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  const server = new FlakyServer({ failureRate: 0.3, random: seededRandom(7) });

  before(async () => {
    ({ store, dispose } = await openTestStore());
  });
  after(async () => {
    await server.stop();
    await dispose();
  });

  it('delivers every message once it recovers, none twice, and the breaker spares it while down', async () => {
    const url = await server.start();
    const entries = Array.from({ length: MESSAGES }, (_, i) =>
      outboxEntry(`hook:${i}`, { kind: 'webhook', channel: 'webhook', payload: { url, method: 'POST', body: { i } } }),
    );
    await addOutbox(store, entries);
    const provider = createWebhookProvider({ secretFor: async () => 'test-secret', timeoutMs: 2_000 });
    const worker = new DeliveryWorker({
      store,
      clock: systemClock,
      owner: 'w1',
      providers: new ProviderRegistry({
        providers: [{ provider, limits: { concurrency: 8 } }],
        channels: { webhook: 'webhook' },
        breaker: { failureThreshold: 5, openMs: 50, maxOpenMs: 200 },
      }),
      renderer: new PlainRenderer(),
      random: seededRandom(11),
      retry: { maxAttempts: 40, baseDelayMs: 10, maxDelayMs: 100 },
      batchSize: 25,
      idleMs: 10,
    });
    server.goDown(600);
    worker.start();
    const deadline = Date.now() + 30_000;
    let counts: Awaited<ReturnType<Store['delivery']['countByStatus']>> = {};
    while (Date.now() < deadline) {
      counts = await store.delivery.countByStatus();
      if ((counts.sent ?? 0) + (counts.dead ?? 0) + (counts.failed ?? 0) === MESSAGES) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await worker.stop();
    assert.deepEqual(counts, { sent: MESSAGES });
    assert.equal(server.accepted.size, MESSAGES);
    assert.deepEqual(server.duplicates(), []);
    // Retries happened (a 30% failure rate and an outage), and while down the open circuit let
    // only a few probes through rather than every waiting message.
    assert.ok(server.refused > MESSAGES * 0.2, `refused ${server.refused}`);
    assert.ok(server.duringOutage < MESSAGES / 2, `${server.duringOutage} requests while down`);
    const retried = await store.delivery.listMessages({ workspaceId: 'ws1', limit: MESSAGES });
    assert.ok(retried.some((m) => m.attempts > 1));
  });
});
