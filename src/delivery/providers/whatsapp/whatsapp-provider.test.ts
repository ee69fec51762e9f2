import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DeliveryError, type OutboundMessage } from '../../provider.ts';
import { startFakeProviderServer } from '../testing/fake-provider-server.ts';
import { WhatsAppProvider } from './whatsapp-provider.ts';

/** The Cloud API's documented answers: the message id, or `{ error: { message, type, code, fbtrace_id } }`. */
const server = await startFakeProviderServer((request) => {
  const body = JSON.parse(request.body) as { to: string };
  const error = (status: number, code: number, message: string) => ({
    status,
    body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam' } },
  });
  if (body.to === '15005550001') return error(400, 132001, 'Template name does not exist in the translation');
  if (body.to === '15005550002') return error(400, 130429, 'Rate limit hit');
  if (body.to === '15005550003')
    return { status: 500, body: { error: { message: 'Service unavailable', code: 131016 } } };
  return {
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      contacts: [{ input: body.to, wa_id: body.to }],
      messages: [{ id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA' }],
    },
  };
});
after(() => server.close());

const provider = new WhatsAppProvider({
  baseUrl: `${server.url}/v21.0`,
  phoneNumberId: '106540352242922',
  token: 'EAAJB-token',
});

function message(address: string): OutboundMessage {
  return {
    idempotencyKey: 'run1:wa_1:1',
    workspaceId: 'ws_1',
    customerId: 'cus_1',
    address,
    messageClass: 'transactional',
    content: { channel: 'whatsapp', template: 'order_shipped', language: 'zh_CN', parameters: ['Ada', 'SF1234'] },
  };
}

test('a template message is a bearer-authorised JSON POST to {phone-number-id}/messages', async () => {
  const receipt = await provider.send(message('+8613800138000'));
  assert.deepEqual(receipt, {
    providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA',
    status: 'sent',
  });
  const request = server.requests.at(-1);
  assert.equal(request?.method, 'POST');
  assert.equal(request?.path, '/v21.0/106540352242922/messages');
  assert.equal(request?.headers.authorization, 'Bearer EAAJB-token');
  assert.match(String(request?.headers['content-type']), /^application\/json/);
  assert.deepEqual(JSON.parse(String(request?.body)), {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '8613800138000',
    type: 'template',
    template: {
      name: 'order_shipped',
      language: { code: 'zh_CN' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ada' },
            { type: 'text', text: 'SF1234' },
          ],
        },
      ],
    },
    biz_opaque_callback_data: JSON.stringify({ w: 'ws_1', c: 'cus_1', k: 'run1:wa_1:1' }),
  });
});

test('errors: a missing template is permanent, rate limits and 5xx transient, an unreachable API transient', async () => {
  const kindOf = (promise: Promise<unknown>) =>
    promise.then(
      () => assert.fail('expected a rejection'),
      (error: unknown) => {
        assert.ok(error instanceof DeliveryError);
        return `${error.kind}:${error.options.code}`;
      },
    );
  assert.equal(await kindOf(provider.send(message('+15005550001'))), 'permanent:whatsapp_132001');
  assert.equal(await kindOf(provider.send(message('+15005550002'))), 'transient:whatsapp_130429');
  assert.equal(await kindOf(provider.send(message('+15005550003'))), 'transient:whatsapp_131016');
  const down = new WhatsAppProvider({ baseUrl: 'http://127.0.0.1:1', phoneNumberId: '1', token: 't' });
  assert.equal(await kindOf(down.send(message('+15005550009'))), 'transient:whatsapp_network');
});
