import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DeliveryError, type OutboundMessage } from '../../provider.ts';
import { createWebhookProvider } from './webhook-provider.ts';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

const SECRET = 'whsec_test_secret';
const NOW = Date.UTC(2025, 0, 2, 3, 4, 5);

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver that answers with the status named in its path (/status/503) and keeps what it got. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({
        method: request.method ?? '',
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      if (path === '/slow') return void setTimeout(() => response.end(), 1000);
      const status = Number(/^\/status\/(\d+)/.exec(path)?.[1] ?? 200);
      if (status === 429) response.setHeader('retry-after', '7');
      response.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

function webhook(url: string, key = 'run1:hook:1'): OutboundMessage {
  // Exactly what a journey webhook node puts in the outbox payload: { url, method, body }.
  return {
    idempotencyKey: key,
    workspaceId: 'ws1',
    customerId: 'c1',
    address: url,
    messageClass: 'service',
    content: { channel: 'webhook', url, method: 'PUT', body: { order: 42, name: 'Ada' } },
  };
}

describe('webhook provider', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const provider = createWebhookProvider({
    secretFor: async (workspaceId) => (workspaceId === 'ws1' ? SECRET : 'other'),
    now: () => NOW,
    timeoutMs: 200,
  });
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.server.close());

  it('sends the body as JSON with a verifiable signature and the idempotency key', async () => {
    const receipt = await provider.send(webhook(`${receiver.url}/hooks/orders`));
    assert.deepEqual(receipt, { providerMessageId: 'run1:hook:1', status: 'sent' });
    const got = receiver.received.at(-1);
    assert.equal(got?.method, 'PUT');
    assert.equal(got?.path, '/hooks/orders');
    assert.equal(got?.headers['content-type'], 'application/json');
    assert.equal(got?.headers['idempotency-key'], 'run1:hook:1');
    assert.deepEqual(JSON.parse(got?.body ?? ''), { order: 42, name: 'Ada' });
    const header = got?.headers['godwit-signature'] as string;
    assert.match(header, new RegExp(`^t=${NOW / 1000},v1=[0-9a-f]{64}$`));
    assert.ok(verifyWebhookSignature({ secret: SECRET, body: got?.body ?? '', header, now: NOW }));
    assert.ok(!verifyWebhookSignature({ secret: 'wrong', body: got?.body ?? '', header, now: NOW }));
    assert.ok(!verifyWebhookSignature({ secret: SECRET, body: `${got?.body} `, header, now: NOW }));
  });

  it('rejects a signature outside the tolerance (a replay)', () => {
    const header = signWebhook({ secret: SECRET, body: '{}', at: NOW });
    assert.ok(verifyWebhookSignature({ secret: SECRET, body: '{}', header, now: NOW + 60_000 }));
    assert.ok(!verifyWebhookSignature({ secret: SECRET, body: '{}', header, now: NOW + 10 * 60_000 }));
  });

  const failures: [number | 'slow' | 'refused', DeliveryError['kind'], number?][] = [
    [400, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
    [408, 'transient'],
    [429, 'transient', 7000],
    [500, 'transient'],
    [503, 'transient'],
    ['slow', 'transient'],
    ['refused', 'transient'],
  ];
  for (const [answer, kind, retryAfterMs] of failures) {
    it(`treats ${answer} as ${kind}`, async () => {
      const url =
        answer === 'refused'
          ? 'http://127.0.0.1:1/nothing-listens'
          : answer === 'slow'
            ? `${receiver.url}/slow`
            : `${receiver.url}/status/${answer}`;
      await assert.rejects(provider.send(webhook(url)), (error: unknown) => {
        assert.ok(error instanceof DeliveryError);
        assert.equal(error.kind, kind);
        assert.equal(error.options.retryAfterMs, retryAfterMs);
        return true;
      });
    });
  }

  it('refuses content of another channel without sending', async () => {
    const count = receiver.received.length;
    const message = { ...webhook(receiver.url), content: { channel: 'sms', text: 'hi' } as const };
    await assert.rejects(provider.send(message), (error: DeliveryError) => error.kind === 'permanent');
    assert.equal(receiver.received.length, count);
  });
});
