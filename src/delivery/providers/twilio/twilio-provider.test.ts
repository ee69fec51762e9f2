import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeliveryError, type MessageContent, type OutboundMessage } from '../../provider.ts';
import { startFakeProviderServer } from '../testing/fake-provider-server.ts';
import { TwilioProvider } from './twilio-provider.ts';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;

function message(address: string, content: MessageContent, key = 'run1:sms_1:1'): OutboundMessage {
  return { idempotencyKey: key, workspaceId: 'ws_1', customerId: 'cus_1', address, messageClass: 'service', content };
}

/** Twilio's documented answers: 201 with the resource, or the status with `{ code, message, more_info, status }`. */
const server = await startFakeProviderServer((request) => {
  const form = new URLSearchParams(request.body);
  const to = form.get('To');
  const error = (status: number, code: number, text: string, headers?: Record<string, string>) => ({
    status,
    body: { code, message: text, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    headers,
  });
  if (to === '+15005550001') return error(400, 21211, "The 'To' number +15005550001 is not a valid phone number.");
  if (to === '+15005550002') return error(429, 20429, 'Too Many Requests', { 'retry-after': '7' });
  if (to === '+15005550003') return { status: 503, body: { message: 'Service Unavailable' } };
  const resource = request.path.endsWith('/Calls.json') ? 'CA' : 'SM';
  return { status: 201, body: { sid: `${resource}${'f'.repeat(32)}`, status: 'queued', to } };
});

describe('TwilioProvider against a Twilio-shaped API', () => {
  let provider: TwilioProvider;
  before(() => {
    provider = new TwilioProvider({
      accountSid: SID,
      authToken: 'secret-token',
      from: '+14155550100',
      baseUrl: server.url,
      publicUrl: 'https://godwit.example',
    });
  });
  after(() => server.close());

  test('an SMS is a form POST to Messages.json with Basic auth, To/From/Body and a signed-URL status callback', async () => {
    const receipt = await provider.send(
      message('+8613800138000', { channel: 'sms', text: '您的订单已发货 & on its way' }),
    );
    assert.deepEqual(receipt, { providerMessageId: `SM${'f'.repeat(32)}`, status: 'sent' });
    const request = server.requests.at(-1);
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, `/2010-04-01/Accounts/${SID}/Messages.json`);
    assert.equal(request.headers.authorization, `Basic ${Buffer.from(`${SID}:secret-token`).toString('base64')}`);
    assert.match(String(request.headers['content-type']), /^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(request.body);
    assert.equal(form.get('To'), '+8613800138000');
    assert.equal(form.get('From'), '+14155550100');
    assert.equal(form.get('Body'), '您的订单已发货 & on its way');
    assert.equal(
      form.get('StatusCallback'),
      'https://godwit.example/v1/webhooks/twilio/status?workspace=ws_1&customer=cus_1&key=run1%3Asms_1%3A1',
    );
  });

  test('a voice notification is a Calls.json POST with TwiML <Say> in the message language', async () => {
    const receipt = await provider.send(
      message('+8613800138000', { channel: 'voice', say: '您好 <Ada>', language: 'zh-CN' }, 'k-voice'),
    );
    assert.equal(receipt.providerMessageId, `CA${'f'.repeat(32)}`);
    const request = server.requests.at(-1);
    assert.equal(request?.path, `/2010-04-01/Accounts/${SID}/Calls.json`);
    const form = new URLSearchParams(request?.body);
    assert.equal(form.get('Twiml'), '<Response><Say language="zh-CN">您好 &lt;Ada&gt;</Say></Response>');
    assert.equal(form.get('From'), '+14155550100');
    assert.deepEqual(form.getAll('StatusCallbackEvent'), ['initiated', 'answered', 'completed']);
  });

  test('a Messaging Service SID is sent as MessagingServiceSid', async () => {
    const viaService = new TwilioProvider({
      accountSid: SID,
      authToken: 't',
      from: `MG${'a'.repeat(32)}`,
      baseUrl: server.url,
    });
    await viaService.send(message('+14155550111', { channel: 'sms', text: 'hi' }));
    const form = new URLSearchParams(server.requests.at(-1)?.body);
    assert.equal(form.get('MessagingServiceSid'), `MG${'a'.repeat(32)}`);
    assert.equal(form.get('From'), null);
    assert.equal(form.get('StatusCallback'), null, 'no public URL, no callback');
  });

  const failure = async (to: string) => {
    const error = await provider.send(message(to, { channel: 'sms', text: 'x' })).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DeliveryError);
    return error;
  };

  test('21211 (invalid number) is permanent', async () => {
    const error = await failure('+15005550001');
    assert.equal(error.kind, 'permanent');
    assert.equal(error.options.code, 'twilio_21211');
  });

  test('429 is transient and carries Retry-After; 5xx is transient', async () => {
    const limited = await failure('+15005550002');
    assert.equal(limited.kind, 'transient');
    assert.equal(limited.options.retryAfterMs, 7000);
    assert.equal((await failure('+15005550003')).kind, 'transient');
  });

  test('an unreachable API is transient, and a channel it does not carry is permanent', async () => {
    const down = new TwilioProvider({
      accountSid: SID,
      authToken: 't',
      from: '+14155550100',
      baseUrl: 'http://127.0.0.1:1',
    });
    await assert.rejects(
      down.send(message('+14155550111', { channel: 'sms', text: 'x' })),
      (e: unknown) => e instanceof DeliveryError && e.kind === 'transient',
    );
    await assert.rejects(
      provider.send(message('a@b.c', { channel: 'email', subject: 's', html: 'h', text: 't' })),
      (e: unknown) => e instanceof DeliveryError && e.kind === 'permanent',
    );
  });

  test('Twilio does not dedupe, so the provider says it is not idempotent', () => {
    assert.equal(provider.idempotent, false);
  });
});
