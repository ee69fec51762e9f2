import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestWhatsAppServer } from '../testing/test-whatsapp-server.ts';
import { startWebhookTestApp } from '../testing/webhook-test-app.ts';
import { whatsAppSignature } from './whatsapp-signature.ts';

const SECRET = 'app-secret';
const PHONE = '+8613800138000';

/** A notification as the Cloud API sends it: one entry, one `messages` change. */
function notification(value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** A text message from a customer, as the Cloud API notifies it. */
function textFrom(phone: string, id: string, body: string) {
  const waId = phone.replace(/^\+/, '');
  return notification({
    contacts: [{ profile: { name: 'Ada' }, wa_id: waId }],
    messages: [{ from: waId, id, timestamp: '1717000000', type: 'text', text: { body } }],
  });
}

describe('WhatsApp webhooks', () => {
  let t: Awaited<ReturnType<typeof startWebhookTestApp>>;
  let cloudApi: Awaited<ReturnType<typeof startTestWhatsAppServer>>;
  let customerId: string;
  before(async () => {
    cloudApi = await startTestWhatsAppServer({ token: 'token', phoneNumberId: '106540352242922' });
    t = await startWebhookTestApp({
      GODWIT_WHATSAPP_TOKEN: 'token',
      GODWIT_WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      GODWIT_WHATSAPP_APP_SECRET: SECRET,
      GODWIT_WHATSAPP_VERIFY_TOKEN: 'verify-me',
      GODWIT_WHATSAPP_BASE_URL: cloudApi.baseUrl,
    });
    customerId = await t.addCustomer('u1', PHONE);
  });
  after(async () => {
    await t.close();
    await cloudApi.close();
  });

  /** The exact bytes are signed; re-serialising them would break the signature, which is the point. */
  const post = (body: unknown, secret = SECRET) => {
    const raw = JSON.stringify(body, null, 1);
    return fetch(`${t.url}/v1/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': whatsAppSignature(secret, raw) },
      body: raw,
    });
  };
  const names = async () => (await t.timeline(customerId)).events.map((e) => e.event);

  test('the verification handshake echoes hub.challenge only for the right token', async () => {
    const ok = await fetch(
      `${t.url}/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`,
    );
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), '1158201444');
    const wrong = await fetch(`${t.url}/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    assert.equal(wrong.status, 403);
  });

  const inbound = notification({
    contacts: [{ profile: { name: 'Ada' }, wa_id: '8613800138000' }],
    messages: [
      {
        from: '8613800138000',
        id: 'wamid.in1',
        timestamp: '1717000000',
        type: 'text',
        text: { body: '我的订单在哪里？' },
      },
    ],
  });

  test('a signed body that is not JSON is 400', async () => {
    const response = await fetch(`${t.url}/v1/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': whatsAppSignature(SECRET, '{"entry":') },
      body: '{"entry":',
    });
    assert.deepEqual([response.status, (await response.json()).error.code], [400, 'invalid_input']);
  });

  test('a bad or missing signature is 403 and records nothing', async () => {
    assert.equal((await post(inbound, 'wrong-secret')).status, 403);
    const unsigned = await fetch(`${t.url}/v1/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(inbound),
    });
    assert.equal(unsigned.status, 403);
    assert.ok(!(await names()).includes('WhatsApp Received'));
  });

  test('an inbound message lands on the timeline of the customer with that phone, once', async () => {
    assert.equal((await post(inbound)).status, 200);
    assert.equal((await post(inbound)).status, 200);
    const events = (await t.timeline(customerId)).events.filter((e) => e.event === 'WhatsApp Received');
    assert.equal(events.length, 1);
    assert.match(events[0]?.payload ?? '', /我的订单在哪里？/);
  });

  test('statuses with our callback data become delivery events; failures carry the error', async () => {
    const ours = JSON.stringify({ w: t.workspaceId, c: customerId, k: 'run1:wa_1:1' });
    const status = (id: string, value: string, extra: Record<string, unknown> = {}) => ({
      id,
      status: value,
      timestamp: '1717000100',
      recipient_id: '8613800138000',
      biz_opaque_callback_data: ours,
      ...extra,
    });
    const body = notification({
      statuses: [
        status('wamid.out1', 'delivered'),
        status('wamid.out1', 'read'),
        status('wamid.out2', 'failed', { errors: [{ code: 131026, title: 'Message undeliverable' }] }),
      ],
    });
    assert.equal((await post(body)).status, 200);
    const events = await names();
    assert.ok(events.includes('Message Delivered'));
    assert.ok(events.includes('Message Opened'), 'read is an open');
    assert.ok(events.includes('Message Bounced'));
  });

  test('STOP withdraws WhatsApp consent and is confirmed through the Cloud API; 订阅 undoes it, in Chinese', async () => {
    const consent = async (id = customerId) => (await t.timeline(id)).profile.consent;
    const stop = textFrom(PHONE, 'wamid.stop1', 'STOP');
    assert.equal((await post(stop)).status, 200);
    assert.equal((await post(stop)).status, 200, 'WhatsApp delivering the webhook again');
    const denied = (await consent()).whatsapp?.all;
    assert.deepEqual([denied?.status, denied?.source], ['denied', 'whatsapp_keyword:STOP']);
    assert.equal((await consent()).sms, undefined, 'only the channel the customer wrote on');
    assert.deepEqual(cloudApi.bodies(), [
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '8613800138000',
        type: 'text',
        text: {
          body: 'You have unsubscribed and will get no more WhatsApp messages from us. Reply START to subscribe again.',
          preview_url: false,
        },
        context: { message_id: 'wamid.stop1' },
      },
    ]);
    const received = (await t.timeline(customerId)).events.filter((e) => e.payload.includes('wamid.stop1'));
    assert.deepEqual(
      received.map((e) => e.event),
      ['WhatsApp Received'],
      'the message is on the timeline once, like any other',
    );
    assert.match(received[0]?.payload ?? '', /"keyword":"stop"/);

    assert.equal((await post(textFrom(PHONE, 'wamid.start1', '订阅'))).status, 200);
    assert.equal((await consent()).whatsapp?.all, undefined, 'back to no choice, as before STOP: no opt-in');
    const answer = cloudApi.bodies().at(-1) as { text: { body: string } };
    assert.equal(answer.text.body, '您已重新订阅我们的 WhatsApp 消息。回复“退订”可随时退订。');
  });

  test('STOP from a number Godwit does not know yet lists it for WhatsApp and is confirmed', async () => {
    const stranger = '+8613700137000';
    assert.equal((await post(textFrom(stranger, 'wamid.stranger1', 'unsubscribe'))).status, 200);
    const listed = await t.store.suppressions.find(t.workspaceId, [{ channel: 'whatsapp', address: stranger }]);
    assert.deepEqual(
      listed.map((e) => e.reason),
      ['opt_out'],
    );
    const answer = cloudApi.bodies().at(-1) as { to: string; text: { body: string } };
    assert.deepEqual([answer.to, answer.text.body.startsWith('You have unsubscribed')], ['8613700137000', true]);
  });

  test('a "yes" from a customer who never opted out, or HELP, changes nothing and is left to the inbox', async () => {
    const other = await t.addCustomer('u2', '+8613900139000');
    const before = cloudApi.requests.length;
    assert.equal((await post(textFrom('+8613900139000', 'wamid.yes1', 'Yes'))).status, 200);
    assert.equal((await post(textFrom('+8613900139000', 'wamid.help1', 'help'))).status, 200);
    const { profile, events } = await t.timeline(other);
    assert.equal(profile.consent.whatsapp, undefined);
    assert.equal(events.filter((e) => e.event === 'WhatsApp Received').length, 2);
    assert.equal(cloudApi.requests.length, before, 'no answer sent');
  });

  test('an answer the Cloud API refuses still leaves the consent withdrawn and the webhook answered 200', async () => {
    const down = await t.addCustomer('u3', '+15005550003');
    assert.equal((await post(textFrom('+15005550003', 'wamid.stop2', '退订'))).status, 200);
    assert.equal((await t.timeline(down)).profile.consent.whatsapp?.all?.status, 'denied');
    assert.equal(cloudApi.requests.at(-1)?.body.includes('15005550003'), true, 'the answer was tried');
  });
});
