import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startWebhookTestApp } from '../testing/webhook-test-app.ts';
import { twilioSignature } from './twilio-signature.ts';

const TOKEN = 'twilio-auth-token';
const PHONE = '+14155550123';

describe('Twilio webhooks', () => {
  let t: Awaited<ReturnType<typeof startWebhookTestApp>>;
  let customerId: string;

  before(async () => {
    t = await startWebhookTestApp({
      GODWIT_TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
      GODWIT_TWILIO_AUTH_TOKEN: TOKEN,
      GODWIT_TWILIO_FROM: '+14155550100',
    });
    customerId = await t.addCustomer('u1', PHONE);
  });
  after(() => t.close());

  /** Posts a form the way Twilio does: signed over the full URL and the sorted fields. */
  function post(path: string, fields: Record<string, string>, options: { token?: string } = {}) {
    const url = `${t.url}${path}`;
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(options.token ?? TOKEN, url, fields),
      },
      body: new URLSearchParams(fields),
    });
  }

  async function timeline() {
    const { events, profile } = await t.timeline(customerId);
    return { events: events.map((e) => e.event), profile };
  }

  const inbound = (body: string, sid: string) => ({
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: `AC${'1'.repeat(32)}`,
    From: PHONE,
    To: '+14155550100',
    Body: body,
    NumMedia: '0',
  });

  test('a wrong signature, or none, is 403 and records nothing', async () => {
    const forged = await post('/v1/webhooks/twilio/inbound', inbound('hello', 'SMforged'), { token: 'not-the-token' });
    assert.equal(forged.status, 403);
    const unsigned = await fetch(`${t.url}/v1/webhooks/twilio/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(inbound('hello', 'SMforged')),
    });
    assert.equal(unsigned.status, 403);
    for (const path of ['/v1/webhooks/twilio/inbound', '/v1/webhooks/twilio/status']) {
      const json = await fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-twilio-signature': 'abc' },
        body: JSON.stringify({ Body: ['x'], MessageSid: 7 }),
      });
      assert.deepEqual([json.status, (await json.json()).error.code], [415, 'unsupported_media_type'], path);
    }
    assert.ok(!(await timeline()).events.includes('SMS Received'));
  });

  test('an inbound SMS lands on the timeline of the customer with that phone, once per MessageSid', async () => {
    for (let i = 0; i < 2; i++) {
      const response = await post('/v1/webhooks/twilio/inbound', inbound('Where is my order?', 'SM0001'));
      assert.equal(response.status, 200);
      assert.match(String(response.headers.get('content-type')), /text\/xml/);
      assert.equal(await response.text(), '<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    }
    const { events } = await timeline();
    assert.equal(events.filter((e) => e === 'SMS Received').length, 1);
  });

  test('退订 denies SMS consent and answers in Chinese; START puts back exactly what it replaced', async () => {
    const stop = await post('/v1/webhooks/twilio/inbound', inbound('退订', 'SM0002'));
    assert.match(await stop.text(), /<Response><Message>您已退订/);
    assert.equal((await timeline()).profile.consent.sms?.all?.status, 'denied');
    const start = await post('/v1/webhooks/twilio/inbound', inbound('START', 'SM0003'));
    assert.equal(await start.text(), '<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    assert.equal((await timeline()).profile.consent.sms?.all, undefined, 'no choice before STOP, none after START');
    // A channel-wide grant comes back as it was, through two STOPs.
    await t.customers.setConsent(t.workspaceId, customerId, {
      channel: 'sms',
      topic: 'all',
      status: 'granted',
      source: 'signup form',
    });
    const granted = (await timeline()).profile.consent.sms?.all;
    await post('/v1/webhooks/twilio/inbound', inbound('STOP', 'SM0004'));
    await post('/v1/webhooks/twilio/inbound', inbound('stop', 'SM0005'));
    assert.equal((await timeline()).profile.consent.sms?.all?.status, 'denied');
    await post('/v1/webhooks/twilio/inbound', inbound('Yes', 'SM0006'));
    assert.deepEqual((await timeline()).profile.consent.sms?.all, granted);
  });

  test('STOP from a number Godwit does not know lists it (opt_out) until START takes it off', async () => {
    const stranger = '+14155550999';
    const listed = () => t.store.suppressions.find(t.workspaceId, [{ channel: 'sms', address: stranger }]);
    const fromStranger = (body: string, sid: string) => ({ ...inbound(body, sid), From: stranger });
    assert.equal((await post('/v1/webhooks/twilio/inbound', fromStranger('Stop', 'SM0201'))).status, 200);
    assert.deepEqual(
      (await listed()).map((e) => [e.reason, e.detail]),
      [['opt_out', { keyword: 'Stop' }]],
    );
    await post('/v1/webhooks/twilio/inbound', fromStranger('START', 'SM0202'));
    assert.deepEqual(await listed(), []);
    // A number listed for a bounce stays listed: START takes off only what a keyword put there.
    const bounced = { channel: 'sms', address: stranger, sourceMessage: null, detail: {}, createdAt: Date.now() };
    await t.store.suppressions.add([{ ...bounced, workspaceId: t.workspaceId, reason: 'hard_bounce' }]);
    await post('/v1/webhooks/twilio/inbound', fromStranger('START', 'SM0203'));
    assert.deepEqual(
      (await listed()).map((e) => e.reason),
      ['hard_bounce'],
    );
  });

  test('status callbacks become delivery events on the timeline; a bad signature is 403', async () => {
    const query = `?workspace=${t.workspaceId}&customer=${customerId}&key=run1%3Asms_1%3A1`;
    const fields = { MessageSid: 'SM0100', MessageStatus: 'delivered', AccountSid: `AC${'1'.repeat(32)}` };
    assert.equal((await post(`/v1/webhooks/twilio/status${query}`, fields, { token: 'wrong' })).status, 403);
    assert.equal((await post(`/v1/webhooks/twilio/status${query}`, fields)).status, 204);
    assert.equal((await post(`/v1/webhooks/twilio/status${query}`, fields)).status, 204);
    const failed = { MessageSid: 'SM0101', MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: 'x' };
    assert.equal((await post(`/v1/webhooks/twilio/status${query}`, failed)).status, 204);
    const { events } = await timeline();
    assert.equal(events.filter((e) => e === 'Message Delivered').length, 1);
    assert.equal(events.filter((e) => e === 'Message Bounced').length, 1);
  });
});
