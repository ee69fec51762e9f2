import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import type { MessageSummary } from '../../delivery/message-service.ts';
import { goLive, messagesByNode } from '../../journeys/runtime/test-runtime.ts';
import { callApi, HOUR, iso, sendBatch, T0 } from '../../journeys/test-journey-api.ts';
import { ManualClock } from '../../shared/clock.ts';

/**
 * `best` chooses among the channels the send's template has content for. Found in the scale-out walkthrough: a promo
 * with email and SMS content, held by quiet hours on both, was rerouted to in_app (every customer is reachable there)
 * and then failed at delivery, `template promo has no in_app content`, instead of waiting for the morning.
 */
describe('best channel and the template', () => {
  let t: TestGodwit;
  const clock = new ManualClock(T0);
  const customer = { email: 'ada@example.com', phone: '+442079460958', timezone: 'UTC' };
  before(async () => {
    t = await startTestGodwit({ store: 'postgres', clock });
    const templates = [
      { id: 'sms_note', name: 'SMS note', channels: { sms: { text: 'Hello' } } },
      {
        id: 'promo',
        name: 'Promo',
        channels: { email: { subject: 'Deal', html: '<p>Deal</p>' }, sms: { text: 'Deal' } },
      },
    ];
    for (const template of templates) {
      assert.equal((await callApi(t, 'POST', '/v1/templates', template)).status, 201);
    }
  });
  after(() => t.close());

  it('an SMS-only template goes by SMS to a customer who has an email address too', async () => {
    await goLive(t, {
      id: 'note',
      category: 'transactional',
      trigger: { event: 'Noted' },
      start: 'send',
      nodes: { send: { type: 'send', template: 'sms_note', channel: 'best', next: 'done' }, done: { type: 'exit' } },
    });
    await sendBatch(t, [
      { type: 'identify', userId: 'ada', traits: customer, timestamp: iso(T0) },
      { type: 'track', userId: 'ada', event: 'Noted', timestamp: iso(T0) },
    ]);
    const { send } = await messagesByNode(t, 'note', 1);
    assert.deepEqual([send?.status, send?.channel], ['pending', 'sms'], String(send?.decision));

    const sim = await callApi(t, 'POST', '/v1/journeys/simulate', {
      journey: { id: 'note', name: 'Note', trigger: { event: 'Noted' }, ...noteNodes('sms_note') },
      customer: 'ada@example.com',
      now: iso(T0),
      trigger: { properties: {} },
    });
    assert.equal(sim.status, 200, JSON.stringify(sim.body));
    assert.equal(sim.body.messages[0].decision.channel, 'sms', sim.body.messages[0].decision.summary);
  });

  it('held on every channel the template has, it waits there rather than going where it cannot be rendered', async () => {
    const quiet = { channels: ['email', 'sms'], from: '08:00', to: '10:00', allow: [] };
    assert.equal((await callApi(t, 'PUT', '/v1/policy', { quietHours: [quiet] })).status, 200);
    await goLive(t, {
      id: 'promo',
      category: 'marketing',
      trigger: { event: 'Product Viewed' },
      start: 'send',
      nodes: { send: { type: 'send', template: 'promo', channel: 'best', next: 'done' }, done: { type: 'exit' } },
    });
    await sendBatch(t, [
      { type: 'identify', userId: 'bob', traits: { ...customer, email: 'bob@example.com' }, timestamp: iso(T0) },
      { type: 'track', userId: 'bob', event: 'Product Viewed', timestamp: iso(T0) },
    ]);
    const { send } = await messagesByNode(t, 'promo', 1);
    assert.deepEqual(
      [send?.status, send?.channel, send?.nextAttemptAt],
      ['scheduled', 'email', iso(T0 + HOUR)],
      String(send?.decision),
    );
    assert.doesNotMatch(String(send?.decision), /in_app|whatsapp|voice/);
    assert.deepEqual(send?.earlierDecisions, []);
  });

  it('decided again when its hold ends, it goes and still says why it was held', async () => {
    clock.advance(HOUR);
    await t.godwit.runtime.fireDueTimers();
    let send: MessageSummary | undefined;
    for (let i = 0; i < 200 && (!send || send.status === 'scheduled'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      send = (await callApi(t, 'GET', '/v1/messages?journey=promo')).body.messages[0];
    }
    assert.notEqual(send?.status, 'scheduled');
    // Held on both of the template's channels, it goes on either once the quiet hours end (best chooses by a draw).
    assert.match(String(send?.decision), /^send now on (email|sms)/);
    assert.equal(send?.earlierDecisions.length, 1);
    assert.equal(send?.earlierDecisions[0]?.decidedAt, iso(T0));
    assert.match(String(send?.earlierDecisions[0]?.decision), /quiet hours/);
    const timeline = (await callApi(t, 'GET', `/v1/customers/${send?.customerId}`)).body.timeline.events;
    const entry = timeline.find((e: { type: string; key?: string }) => e.type === 'message' && e.key === send?.key);
    assert.deepEqual(entry?.earlierDecisions, send?.earlierDecisions, 'the timeline shows it too');
  });
});

function noteNodes(template: string) {
  return {
    category: 'transactional',
    start: 'send',
    nodes: { send: { type: 'send', template, channel: 'best', next: 'done' }, done: { type: 'exit' } },
  };
}
