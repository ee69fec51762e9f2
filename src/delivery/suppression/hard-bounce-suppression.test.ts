import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeliveryWorker } from '../delivery-worker.ts';
import { PlainRenderer } from '../plain-renderer.ts';
import { ProviderRegistry } from '../provider-registry.ts';
import { SmtpProvider } from '../providers/smtp/smtp-provider.ts';
import { startTestSmtpServer } from '../providers/testing/test-smtp-server.ts';
import { addCustomer, addOutbox, ManualClock, openTestStore, outboxEntry, START, WS } from '../test-delivery.ts';

/** A real SMTP server refusing recipients; the real SMTP provider; the worker against a SQLite file. */
describe('hard bounces suppress the address', () => {
  let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let provider: SmtpProvider;
  before(async () => {
    smtp = await startTestSmtpServer();
    opened = await openTestStore();
    await addCustomer(opened.store);
    provider = new SmtpProvider({ url: smtp.url, from: 'Godwit <hello@godwit.test>' });
  });
  after(async () => {
    provider.close();
    await smtp.close();
    await opened.dispose();
  });

  const email = (key: string, address: string) =>
    outboxEntry(key, { payload: { template: 'welcome', address, data: {} } });
  const message = (key: string) => opened.store.delivery.findMessage({ workspaceId: WS, idempotencyKey: key });

  it('5.1.1 at RCPT bounces the message, lists the address, and stops a message queued before it', async () => {
    const { store } = opened;
    const clock = new ManualClock(START);
    // `later` was queued with the others but is left for the next slice (3 a slice, in queue order):
    // the bounce lands while it waits.
    await addOutbox(store, [
      email('first', 'Nobody@Example.com'),
      email('policy', 'blocked@example.com'),
      email('fine', 'ada@example.com'),
      email('later', 'nobody@example.com'),
    ]);
    const worker = new DeliveryWorker({
      store,
      clock,
      owner: 'worker-1',
      providers: new ProviderRegistry({ providers: [{ provider }], channels: { email: 'smtp' } }),
      renderer: new PlainRenderer(),
      batchSize: 3,
    });
    await worker.deliverDue();
    assert.equal((await message('first'))?.status, 'bounced');
    assert.equal((await message('policy'))?.status, 'failed', '5.7.1 is about the message, not the address');
    assert.equal((await message('fine'))?.status, 'sent');
    const listed = await store.suppressions.list({ workspaceId: WS, limit: 10 });
    assert.deepEqual(
      listed.map((s) => [s.channel, s.address, s.reason, s.sourceMessage]),
      [['email', 'nobody@example.com', 'hard_bounce', 'first']],
    );
    assert.match(String(listed[0]?.detail.error), /5\.1\.1/);

    await worker.deliverDue();
    const later = await message('later');
    assert.equal(later?.status, 'suppressed');
    assert.match(String(later?.lastError), /email address nobody@example.com is suppressed \(hard_bounce\)/);
    const kinds = (await store.delivery.deliveryEvents(WS, 'later')).map((e) => e.kind);
    assert.deepEqual(kinds, ['suppressed']);
    assert.equal(smtp.received.length, 1, 'only the good address received mail');
  });
});
