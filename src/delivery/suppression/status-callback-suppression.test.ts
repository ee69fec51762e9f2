import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { twilioSignature } from '../providers/twilio/twilio-signature.ts';
import { whatsAppSignature } from '../providers/whatsapp/whatsapp-signature.ts';

const TOKEN = 'twilio-auth-token';
const SECRET = 'app-secret';

/** Signed Twilio and WhatsApp status callbacks to a running Godwit: permanent codes suppress, others do not. */
describe('status callbacks with permanent error codes', () => {
  let t: TestGodwit;
  before(async () => {
    t = await startTestGodwit({
      config: {
        GODWIT_TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
        GODWIT_TWILIO_AUTH_TOKEN: TOKEN,
        GODWIT_TWILIO_FROM: '+14155550100',
        GODWIT_WHATSAPP_TOKEN: 'token',
        GODWIT_WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
        GODWIT_WHATSAPP_APP_SECRET: SECRET,
        GODWIT_WHATSAPP_VERIFY_TOKEN: 'verify-me',
      },
    });
    const sent = (key: string, channel: string, address: string) => ({
      workspaceId: t.workspaceId,
      idempotencyKey: key,
      customerId: 'c1',
      runId: 'r1',
      journeyId: 'j1',
      nodeId: key,
      kind: 'message' as const,
      channel,
      status: 'sent' as const,
      payload: { template: 't', address },
      createdAt: 1,
      updatedAt: 1,
    });
    await t.godwit.store.journeys.applyJourneyChange({
      runs: [],
      addTimers: [],
      deleteTimers: [],
      outbox: [
        sent('sms-hard', 'sms', '+14155550123'),
        sent('sms-soft', 'sms', '+14155550124'),
        sent('wa-hard', 'whatsapp', '+8613800138000'),
      ],
      events: [],
      counts: [],
    });
  });
  after(() => t.close());

  const twilio = (key: string, errorCode: string) => {
    const url = `${t.url}/v1/webhooks/twilio/status?workspace=${t.workspaceId}&customer=c1&key=${key}`;
    const fields = { MessageSid: `SM-${key}`, MessageStatus: 'undelivered', ErrorCode: errorCode, AccountSid: 'x' };
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(TOKEN, url, fields),
      },
      body: new URLSearchParams(fields),
    });
  };
  const listed = async () =>
    (
      (await (
        await fetch(`${t.url}/v1/suppressions`, { headers: { authorization: `Bearer ${t.secretKey}` } })
      ).json()) as { suppressions: { channel: string; address: string; reason: string; sourceMessage: string }[] }
    ).suppressions.map((s) => [s.channel, s.address, s.reason, s.sourceMessage]);
  const message = (key: string) =>
    t.godwit.store.delivery.findMessage({ workspaceId: t.workspaceId, idempotencyKey: key });

  it('Twilio 30005 (unknown handset) suppresses the number; 30003 (unreachable for now) does not', async () => {
    assert.equal((await twilio('sms-hard', '30005')).status, 204);
    assert.equal((await twilio('sms-hard', '30005')).status, 204, 'a retried callback changes nothing');
    assert.equal((await twilio('sms-soft', '30003')).status, 204);
    assert.deepEqual(await listed(), [['sms', '+14155550123', 'hard_bounce', 'sms-hard']]);
    assert.equal((await message('sms-hard'))?.status, 'bounced');
    assert.equal((await message('sms-soft'))?.status, 'bounced');
    const events = await t.godwit.store.delivery.deliveryEvents(t.workspaceId, 'sms-soft');
    assert.equal(events[0]?.detail.bounce, 'soft');
  });

  it('WhatsApp 131026 (undeliverable) suppresses the number on WhatsApp only', async () => {
    const status = {
      id: 'wamid.HARD',
      status: 'failed',
      timestamp: '1700000000',
      recipient_id: '8613800138000',
      biz_opaque_callback_data: JSON.stringify({ w: t.workspaceId, c: 'c1', k: 'wa-hard' }),
      errors: [{ code: 131026, title: 'Message undeliverable' }],
    };
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        { id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', statuses: [status] } }] },
      ],
    });
    const response = await fetch(`${t.url}/v1/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': whatsAppSignature(SECRET, raw) },
      body: raw,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(
      (await listed()).find((l) => l[0] === 'whatsapp'),
      ['whatsapp', '+8613800138000', 'hard_bounce', 'wa-hard'],
    );
    assert.equal((await message('wa-hard'))?.status, 'bounced');
  });
});
