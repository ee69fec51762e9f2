import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { goLive } from '../journeys/runtime/test-runtime.ts';
import { addOutbox, outboxEntry } from './test-delivery.ts';

/** Journey → outbox → worker → dev sink, seen through the messages API. */
describe('messages API', () => {
  let t: TestGodwit;
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${t.url}${path}`, { ...init, headers: { authorization: `Bearer ${t.secretKey}`, ...init.headers } });
  const json = async (path: string, init?: RequestInit) => {
    const response = await admin(path, init);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const waitFor = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
  };

  before(async () => {
    t = await startTestGodwit({ deliver: true });
    await goLive(t, {
      id: 'cart',
      trigger: { event: 'Cart Abandoned' },
      start: 'remind',
      nodes: {
        remind: { type: 'send', template: 'cart_reminder', channel: 'email', next: 'done' },
        done: { type: 'exit' },
      },
    });
    const batch = [
      { type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', first_name: 'Ada' } },
      { type: 'track', userId: 'ada', event: 'Cart Abandoned' },
    ];
    const response = await fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${t.writeKey}:`)}` },
      body: JSON.stringify({ batch }),
    });
    assert.equal(response.status, 200);
  });
  after(() => t.close());

  it('shows a journey message delivered to the dev sink, with its rendered content', async () => {
    await waitFor(async () => (await json('/v1/messages?status=delivered')).body.messages.length > 0);
    const { body } = await json('/v1/messages?channel=email&journey=cart&customer=ada');
    assert.equal(body.messages.length, 1);
    const [summary] = body.messages;
    assert.deepEqual(
      [summary.status, summary.channel, summary.template, summary.address, summary.provider, summary.attempts],
      ['delivered', 'email', 'cart_reminder', 'ada@example.com', 'dev-sink', 1],
    );
    const one = await json(`/v1/messages/${encodeURIComponent(summary.key)}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.message.content.subject, 'You left something in your cart');
    assert.match(one.body.message.content.html, /Hi Ada/);
    assert.deepEqual(
      one.body.message.events.map((e: { kind: string }) => e.kind),
      ['delivered'],
    );
    assert.equal((await json('/v1/messages?status=pending')).body.messages.length, 0);
    assert.equal((await json('/v1/messages?channel=sms')).body.messages.length, 0);
    assert.equal(t.godwit.delivery.devSink.count, 1);
  });

  it('puts the message on the customer timeline once, with its delivery status', async () => {
    const { body } = await json('/v1/customers/ada?limit=20');
    const names = JSON.stringify(body.timeline ?? body);
    // The message shows once, from the outbox, with its status; its send is not an event.
    const messages = body.timeline.events.filter((e: { type: string }) => e.type === 'message');
    assert.deepEqual(
      messages.map((m: Record<string, unknown>) => [m.status, m.channel, m.template, m.journeyId]),
      [['delivered', 'email', 'cart_reminder', 'cart']],
    );
    assert.equal(names.includes('Message Sent'), false);
  });

  it('lists dead letters and retries one; a delivered message cannot be retried', async () => {
    const { store } = t.godwit;
    await store.journeys.applyJourneyChange({
      runs: [],
      addTimers: [],
      deleteTimers: [],
      events: [],
      counts: [],
      outbox: [
        {
          workspaceId: t.workspaceId,
          idempotencyKey: 'manual:1',
          customerId: 'nobody',
          runId: null,
          journeyId: null,
          nodeId: null,
          kind: 'message',
          channel: 'email',
          status: 'pending',
          payload: { template: 'no_such_template', address: 'x@example.com' },
          createdAt: Date.now(),
          updatedAt: Date.now(),
        },
      ],
    });
    t.godwit.delivery.worker.notify();
    await waitFor(async () => (await json('/v1/messages/dead')).body.messages.length > 0);
    const dead = await json('/v1/messages/dead');
    assert.deepEqual(
      dead.body.messages.map((m: { key: string; status: string }) => [m.key, m.status]),
      [['manual:1', 'failed']],
    );
    assert.match(dead.body.messages[0].lastError, /no_such_template/);
    const retried = await json('/v1/messages/manual:1/retry', { method: 'POST' });
    assert.equal(retried.status, 200);
    assert.equal(retried.body.message.attempts, 0);
    const delivered = (await json('/v1/messages?status=delivered')).body.messages[0].key;
    const refused = await json(`/v1/messages/${encodeURIComponent(delivered)}/retry`, { method: 'POST' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'conflict');
    assert.equal((await json('/v1/messages/nope')).status, 404);
    assert.equal((await json('/v1/messages?status=lost')).status, 400);
    const pigeon = await json('/v1/messages?channel=pigeon');
    assert.equal(pigeon.status, 400);
    assert.match(pigeon.body.error.message, /query\.channel: .*email/);
    assert.equal((await json('/v1/messages?channel=webhook')).status, 200);
    const stats = await json('/v1/messages/stats');
    assert.equal(stats.body.statuses.delivered, 1);
    assert.deepEqual(stats.body.failing, []);
    const now = Date.now();
    const failing = { provider: 'twilio', reason: '503 Service Unavailable', updatedAt: now };
    await t.godwit.store.delivery.setChannelHealth([{ ...failing, channel: 'sms', unhealthyUntil: now + 60_000 }]);
    assert.deepEqual((await json('/v1/messages/stats')).body.failing, [
      {
        channel: 'sms',
        provider: 'twilio',
        reason: '503 Service Unavailable',
        updatedAt: new Date(now).toISOString(),
        until: new Date(now + 60_000).toISOString(),
      },
    ]);
    await t.godwit.store.delivery.setChannelHealth([{ ...failing, channel: 'sms', unhealthyUntil: 0 }]);
  });

  it('pages messages newest first through `next`, and refuses a cursor it did not give out', async () => {
    const times = [5_000, 9_000, 7_000, 9_000, 1_000];
    const entry = (createdAt: number, i: number) =>
      outboxEntry(`paged:${i}`, { workspaceId: t.workspaceId, journeyId: 'paged', status: 'suppressed', createdAt });
    await addOutbox(t.godwit.store, times.map(entry));
    const keys: string[] = [];
    let next: string | null = null;
    do {
      const after: string = next ? `&before=${encodeURIComponent(next)}` : '';
      const page = await json(`/v1/messages?journey=paged&limit=2${after}`);
      assert.equal(page.status, 200);
      keys.push(...page.body.messages.map((m: { key: string }) => m.key));
      next = page.body.next;
    } while (next);
    assert.deepEqual(keys, ['paged:1', 'paged:3', 'paged:2', 'paged:0', 'paged:4']);
    const whole = await json('/v1/messages?journey=paged&limit=5');
    assert.equal(whole.body.next, null, 'no older page after the last message');
    for (const path of ['/v1/messages?before=garbage', '/v1/messages/dead?before=garbage']) {
      const refused = await json(path);
      assert.equal(refused.status, 400);
      assert.match(refused.body.error.message, /not a cursor this list gave out/);
    }
  });

  it('lists the messages the decision engine holds (scheduled), each with when it is planned to go', async () => {
    const at = Date.now() + 6 * 3_600_000;
    const decision = `delayed to ${new Date(at).toISOString()} on sms: quiet hours 21:00–08:00 for sms in Asia/Shanghai`;
    await addOutbox(t.godwit.store, [
      outboxEntry('held:1', {
        workspaceId: t.workspaceId,
        journeyId: 'held',
        channel: 'sms',
        status: 'scheduled',
        nextAttemptAt: at,
        payload: { template: 'cart_reminder', address: '+8613800100000', decision },
      }),
    ]);
    const { status, body } = await json('/v1/messages?status=scheduled');
    assert.equal(status, 200);
    assert.deepEqual(
      body.messages.map((m: Record<string, unknown>) => [m.key, m.status, m.channel, m.nextAttemptAt, m.decision]),
      [['held:1', 'scheduled', 'sms', new Date(at).toISOString(), decision]],
    );
    // One status, one page: the same list the console and `godwit messages --status scheduled` show.
    const byJourney = await json('/v1/messages?status=scheduled&journey=held&limit=1');
    assert.deepEqual([byJourney.body.messages.length, byJourney.body.next], [1, null]);
    assert.equal((await json('/v1/messages/stats')).body.statuses.scheduled, 1);
    // Held is not stuck: it is not a dead letter, and it cannot be retried.
    assert.equal(
      (await json('/v1/messages/dead')).body.messages.some((m: { key: string }) => m.key === 'held:1'),
      false,
    );
    assert.equal((await json('/v1/messages/held:1/retry', { method: 'POST' })).status, 409);
  });

  it('needs a secret key', async () => {
    assert.equal((await fetch(`${t.url}/v1/messages`)).status, 401);
  });
});
