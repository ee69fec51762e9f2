import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Store } from '../storage/store.ts';
import { DeliveryWorker } from './delivery-worker.ts';
import { PlainRenderer } from './plain-renderer.ts';
import { ProviderRegistry } from './provider-registry.ts';
import { SmtpProvider } from './providers/smtp/smtp-provider.ts';
import { startTestSmtpServer } from './providers/testing/test-smtp-server.ts';
import { addCustomer, addOutbox, ManualClock, openTestStore, outboxEntry, START, WS } from './test-delivery.ts';

/** A real SMTP server that takes the message but answers DATA only after the send timeout. */
describe('a send that gets no answer in time', () => {
  let store: Store;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ store, dispose } = await openTestStore());
  });
  afterEach(() => dispose());

  it('is possibly sent, and its last error names the provider, the channel and the timeout, and why not retried', async () => {
    const server = await startTestSmtpServer({ delayMs: () => 2_000 });
    const smtp = new SmtpProvider({ url: server.url, from: 'Godwit <hi@godwit.example>' });
    try {
      await addCustomer(store);
      await addOutbox(store, [outboxEntry('a')]);
      const worker = new DeliveryWorker({
        store,
        clock: new ManualClock(START),
        owner: 'worker-1',
        providers: new ProviderRegistry({ providers: [{ provider: smtp }], channels: { email: 'smtp' } }),
        renderer: new PlainRenderer(),
        random: () => 0.5,
        sendTimeoutMs: 1_000,
      });
      await worker.deliverDue();
      const a = await store.delivery.findMessage({ workspaceId: WS, idempotencyKey: 'a' });
      assert.equal(a?.status, 'possibly_sent');
      assert.equal(
        a?.lastError,
        'no answer from smtp (email) within 1 s; it may have been sent and smtp cannot dedupe, so it is not retried',
      );
      assert.equal((await store.delivery.deliveryEvents(WS, 'a'))[0]?.detail.reason, a?.lastError);
      assert.equal(server.received.length, 1, 'the server did take it: why it must not go again by itself');
    } finally {
      await smtp.close();
      await server.close();
    }
  });
});
