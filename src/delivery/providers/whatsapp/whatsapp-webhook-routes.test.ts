import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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

describe('WhatsApp webhooks', () => {
  let t: Awaited<ReturnType<typeof startWebhookTestApp>>;
  let customerId: string;
  before(async () => {
    t = await startWebhookTestApp({
      GODWIT_WHATSAPP_TOKEN: 'token',
      GODWIT_WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      GODWIT_WHATSAPP_APP_SECRET: SECRET,
      GODWIT_WHATSAPP_VERIFY_TOKEN: 'verify-me',
    });
    customerId = await t.addCustomer('u1', PHONE);
  });
  after(() => t.close());

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
});
