import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DeliveryError, type OutboundMessage } from '../../provider.ts';
import { startTestWhatsAppServer } from '../testing/test-whatsapp-server.ts';
import { WhatsAppProvider } from './whatsapp-provider.ts';

const server = await startTestWhatsAppServer({ token: 'EAAJB-token', phoneNumberId: '106540352242922' });
after(() => server.close());

const provider = new WhatsAppProvider({
  baseUrl: server.baseUrl,
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
  assert.equal(receipt.status, 'sent');
  assert.match(receipt.providerMessageId, /^wamid\./);
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

test('a text reply is a text message quoting the customer’s; the same errors apply', async () => {
  const id = await provider.sendText({ to: '+8613800138000', text: 'You have unsubscribed.', replyTo: 'wamid.in1' });
  assert.match(id, /^wamid\./);
  assert.deepEqual(server.bodies().at(-1), {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '8613800138000',
    type: 'text',
    text: { body: 'You have unsubscribed.', preview_url: false },
    context: { message_id: 'wamid.in1' },
  });
  const wrongToken = new WhatsAppProvider({ baseUrl: server.baseUrl, phoneNumberId: '106540352242922', token: 'x' });
  await assert.rejects(wrongToken.sendText({ to: '+8613800138000', text: 'hi' }), {
    options: { code: 'whatsapp_190' },
  });
});
