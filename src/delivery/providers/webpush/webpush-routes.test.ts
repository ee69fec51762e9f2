import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../../app/test-godwit.ts';

describe('web push routes', () => {
  let godwit: TestGodwit;
  before(async () => {
    godwit = await startTestGodwit();
  });
  after(() => godwit?.close());

  it('hands out one VAPID public key per workspace to write keys only', async () => {
    const url = `${godwit.url}/v1/push/vapid-public-key?writeKey=${godwit.writeKey}`;
    const first = (await (await fetch(url)).json()) as { publicKey: string };
    assert.equal(Buffer.from(first.publicKey, 'base64url').length, 65, 'an uncompressed P-256 point');
    assert.deepEqual(await (await fetch(url)).json(), first);
    assert.equal((await fetch(`${godwit.url}/v1/push/vapid-public-key?writeKey=nope`)).status, 401);
    const stored = await godwit.godwit.store.channels.getSecret(godwit.workspaceId, 'vapid');
    assert.ok(stored?.startsWith('gwsb1:'), 'the key pair is stored sealed');
  });

  it('stores a subscription on the customer as the push_subscription trait', async () => {
    const subscription = { endpoint: 'https://push.example/abc', keys: { p256dh: 'BPub', auth: 'secret' } };
    const response = await fetch(`${godwit.url}/v1/push/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ writeKey: godwit.writeKey, userId: 'pushy', subscription }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    await godwit.settle();
    const id = await godwit.godwit.customers.resolveId(godwit.workspaceId, 'pushy');
    const profile = await godwit.godwit.store.getProfile(godwit.workspaceId, id);
    assert.deepEqual(JSON.parse(String(profile?.traits.push_subscription)), subscription);

    const bad = await fetch(`${godwit.url}/v1/push/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ writeKey: godwit.writeKey, userId: 'pushy', subscription: { endpoint: 'nope' } }),
    });
    assert.equal(bad.status, 400);
  });
});
