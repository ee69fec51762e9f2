import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { goLive } from '../journeys/runtime/test-runtime.ts';
import { sendBatch } from '../journeys/test-journey-api.ts';
import type { ClaimedMessage, DeliveryOutcome } from '../storage/delivery-store.ts';
import type { Store } from '../storage/store.ts';
import { deliveryMetrics } from './delivery-metrics.ts';
import type { ProviderRegistry } from './provider-registry.ts';
import { startTestSmtpServer } from './providers/testing/test-smtp-server.ts';
import { outboxEntry, START } from './test-delivery.ts';

/** /metrics of a running Godwit while its worker sends through a real SMTP server that refuses some recipients. */
describe('delivery metrics', () => {
  let t: TestGodwit;
  let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
  const scrape = async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    return (name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? 0 : Number(line.slice(name.length + 1));
    };
  };

  before(async () => {
    smtp = await startTestSmtpServer();
    t = await startTestGodwit({
      deliver: true,
      config: { GODWIT_SMTP_URL: smtp.url, GODWIT_SMTP_FROM: 'hello@acme.test', GODWIT_DELIVERY_MAX_ATTEMPTS: 2 },
    });
    await goLive(t, {
      id: 'hello',
      trigger: { event: 'Signed Up' },
      start: 'mail',
      nodes: {
        mail: { type: 'send', template: 'cart_reminder', channel: 'email', next: 'done' },
        done: { type: 'exit' },
      },
    });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  it('a send, a hard bounce and a retried-then-dead message move their counters', async () => {
    const sent = 'godwit_delivery_messages_total{channel="email",provider="smtp",status="sent"}';
    const bounced = 'godwit_delivery_messages_total{channel="email",provider="smtp",status="bounced"}';
    const dead = 'godwit_delivery_messages_total{channel="email",provider="smtp",status="dead"}';
    const deadLetters = 'godwit_delivery_dead_letters_total{provider="smtp",status="dead"}';
    const retries = 'godwit_delivery_retries_total{provider="smtp"}';
    const before = await scrape();
    assert.deepEqual([before(sent), before(bounced), before(dead), before(retries)], [0, 0, 0, 0]);
    assert.equal(before('godwit_delivery_circuit_state{provider="smtp"}'), 0);

    const batch = ['ada', 'nobody', 'busy'].flatMap((name) => [
      { type: 'identify', userId: name, traits: { email: `${name}@example.com` } },
      { type: 'track', userId: name, event: 'Signed Up' },
    ]);
    await sendBatch(t, batch);
    let now = before;
    for (let i = 0; i < 400; i++) {
      now = await scrape();
      if (now(sent) + now(bounced) + now(dead) >= 3) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.deepEqual([now(sent), now(bounced), now(dead)], [1, 1, 1]);
    assert.equal(now(retries), 1, 'busy@ was retried once (451), then ran out of its 2 attempts');
    assert.equal(now(deadLetters), 1);
    assert.equal(now('godwit_delivery_attempt_duration_seconds_count{provider="smtp",result="sent"}'), 1);
    assert.equal(now('godwit_delivery_attempt_duration_seconds_count{provider="smtp",result="permanent"}'), 1);
    assert.equal(now('godwit_delivery_attempt_duration_seconds_count{provider="smtp",result="transient"}'), 2);
    assert.equal(now('godwit_delivery_outbox_messages{status="sent"}'), 1);
    assert.equal(now('godwit_delivery_outbox_messages{status="pending"}'), 0);
  });
});

describe('delivery metrics of pending outcomes', () => {
  it('count a transient failure put back as a retry, and a deferral (open circuit, rate limit) as none', async () => {
    const registry = new Registry();
    const observer = deliveryMetrics({
      registry,
      store: {} as Store,
      providers: {} as ProviderRegistry,
      clock: { now: () => START },
    });
    const claimed = (key: string): ClaimedMessage => ({
      ...outboxEntry(key),
      status: 'sending',
      attempts: 1,
      nextAttemptAt: START,
      provider: 'smtp',
      providerMessageId: null,
      lastError: null,
      sentAt: null,
      content: null,
      recovered: false,
    });
    const pending = (key: string, attempts: number, lastError: string): DeliveryOutcome => ({
      workspaceId: 'ws1',
      idempotencyKey: key,
      owner: 'w',
      at: START,
      status: 'pending',
      attempts,
      nextAttemptAt: START + 1_000,
      lastError,
      events: [],
    });
    observer.outcomes(
      [claimed('retried'), claimed('deferred')],
      [pending('retried', 2, '451 busy'), pending('deferred', 1, "not tried: smtp's circuit is open until …")],
    );
    const retries = await registry.getSingleMetric('godwit_delivery_retries_total')?.get();
    assert.deepEqual(
      retries?.values.map((v) => [v.labels.provider, v.value]),
      [['smtp', 1]],
    );
  });
});

describe('delivery metrics by role', () => {
  it('a process that does not deliver (a `godwit api`, a worker without the role) reports no breakers', async () => {
    // Found in the scale-out walkthrough: the API process and the journeys worker reported every provider's breaker
    // closed (0) beside the delivery worker's, though theirs never send, so they said closed while its breaker was open.
    const smtp = await startTestSmtpServer();
    const apiOnly = await startTestGodwit({ config: { GODWIT_SMTP_URL: smtp.url, GODWIT_SMTP_FROM: 'a@acme.test' } });
    try {
      const text = await (await fetch(`${apiOnly.url}/metrics`)).text();
      assert.doesNotMatch(text, /^godwit_delivery_circuit_state\{/m);
      apiOnly.godwit.delivery.worker.start();
      const running = await (await fetch(`${apiOnly.url}/metrics`)).text();
      assert.match(running, /^godwit_delivery_circuit_state\{provider="smtp"\} 0$/m);
    } finally {
      await apiOnly.close();
      await smtp.close();
    }
  });
});
