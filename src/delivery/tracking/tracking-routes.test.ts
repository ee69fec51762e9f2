import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { consentStatus } from '../../profiles/consent-status.ts';

/** Open pixel, click redirects, one-click unsubscribe and the preferences page on a running Godwit. */

async function identify(godwit: TestGodwit, userId: string): Promise<string> {
  const response = await fetch(`${godwit.url}/v1/identify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${godwit.writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ userId, traits: { email: `${userId}@example.com` } }),
  });
  assert.equal(response.status, 200);
  await godwit.settle();
  return godwit.godwit.customers.resolveId(godwit.workspaceId, userId);
}

async function timelineEvents(godwit: TestGodwit, customerId: string) {
  await godwit.settle();
  const page = await godwit.godwit.store.timeline({ workspaceId: godwit.workspaceId, customerId, limit: 50 });
  return page.events.map((e) => JSON.parse(e.payload) as { event?: string; properties?: Record<string, unknown> });
}

describe('tracking and unsubscribe links', () => {
  let godwit: TestGodwit;
  let customerId: string;
  before(async () => {
    godwit = await startTestGodwit();
    customerId = await identify(godwit, 'reader');
  });
  after(() => godwit?.close());

  it('rewrites links to signed redirects, appends a pixel, and records opens and clicks once each', async () => {
    const html =
      '<html><body><p>Hi</p><a class="b" href="https://shop.example/p?a=1&amp;b=2">Buy</a>' +
      '<a href="mailto:help@shop.example">Mail</a><a href="https://shop.example/raw" data-godwit-track="off">Raw</a></body></html>';
    const message = { workspaceId: godwit.workspaceId, customerId, idempotencyKey: 'run1:email_1:1' };
    const tracked = godwit.godwit.channels.trackEmail(html, message);
    const links = [...tracked.matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? '');
    assert.equal(links.length, 3);
    assert.ok(links[0]?.startsWith(`${godwit.url}/v1/t/c/`), links[0]);
    assert.equal(links[1], 'mailto:help@shop.example');
    assert.equal(links[2], 'https://shop.example/raw');
    const pixel = /<img src="([^"]+)"[^>]*><\/body><\/html>$/.exec(tracked)?.[1];
    assert.ok(pixel?.startsWith(`${godwit.url}/v1/t/o/`) && pixel.endsWith('.gif'), tracked);

    const click = await fetch(links[0] ?? '', { redirect: 'manual' });
    assert.equal(click.status, 302);
    assert.equal(click.headers.get('location'), 'https://shop.example/p?a=1&b=2');
    await fetch(links[0] ?? '', { redirect: 'manual' });
    for (let i = 0; i < 3; i++) {
      const open = await fetch(pixel ?? '');
      assert.equal(open.status, 200);
      assert.equal(open.headers.get('content-type'), 'image/gif');
      assert.equal(
        Buffer.from(await open.arrayBuffer())
          .subarray(0, 6)
          .toString(),
        'GIF89a',
      );
    }

    const events = await timelineEvents(godwit, customerId);
    const opened = events.filter((e) => e.event === 'Message Opened');
    const clicked = events.filter((e) => e.event === 'Message Clicked');
    assert.equal(opened.length, 1, 'repeated opens store once');
    assert.equal(clicked.length, 1, 'repeated clicks on one link store once');
    assert.deepEqual(clicked[0]?.properties, {
      message_key: 'run1:email_1:1',
      kind: 'clicked',
      channel: 'email',
      url: 'https://shop.example/p?a=1&b=2',
    });
  });

  it('redirects nowhere for a token it did not sign', async () => {
    const tracked = godwit.godwit.channels.trackEmail('<a href="https://shop.example/">x</a>', {
      workspaceId: godwit.workspaceId,
      customerId,
      idempotencyKey: 'k',
    });
    const link = /href="([^"]+)"/.exec(tracked)?.[1] ?? '';
    const [body = '', mac = ''] = link.slice(link.lastIndexOf('/') + 1).split('.');
    const forgedClaim = { ...JSON.parse(Buffer.from(body, 'base64url').toString()), u: 'https://evil.example/' };
    const forged = `${Buffer.from(JSON.stringify(forgedClaim)).toString('base64url')}.${mac}`;
    for (const token of [
      forged,
      `${body}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      'nonsense',
      `${body}`,
    ]) {
      const response = await fetch(`${godwit.url}/v1/t/c/${token}`, { redirect: 'manual' });
      assert.equal(response.status, 404, token);
      assert.equal(response.headers.get('location'), null);
    }
    // An unsubscribe token is not a click token.
    const unsubscribe = godwit.godwit.channels.unsubscribeHeaders({
      workspaceId: godwit.workspaceId,
      customerId,
      topic: 'x',
    });
    const unsubscribeToken = /\/v1\/u\/([^>]+)>/.exec(unsubscribe['List-Unsubscribe'])?.[1];
    assert.equal((await fetch(`${godwit.url}/v1/t/c/${unsubscribeToken}`, { redirect: 'manual' })).status, 404);
  });

  it('unsubscribes with an RFC 8058 one-click post, without a page', async () => {
    const headers = godwit.godwit.channels.unsubscribeHeaders({
      workspaceId: godwit.workspaceId,
      customerId,
      topic: 'marketing',
    });
    assert.equal(headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
    const url = /^<(.+)>$/.exec(headers['List-Unsubscribe'])?.[1] ?? '';
    assert.ok(url.startsWith(`${godwit.url}/v1/u/`), url);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(response.status, 200);
    const profile = await godwit.godwit.store.getProfile(godwit.workspaceId, customerId);
    assert.equal(consentStatus(profile?.consent ?? {}, 'email', 'marketing'), 'denied');
    assert.equal(profile?.consent.email?.marketing?.source, 'one-click unsubscribe');
    assert.equal(consentStatus(profile?.consent ?? {}, 'email', 'service'), undefined, 'other topics untouched');
  });

  it('shows the preferences page in English or Chinese and saves its toggles through consent', async () => {
    const other = await identify(godwit, 'chooser');
    const headers = godwit.godwit.channels.unsubscribeHeaders({
      workspaceId: godwit.workspaceId,
      customerId: other,
      topic: 'marketing',
    });
    const url = /^<(.+)>$/.exec(headers['List-Unsubscribe'])?.[1] ?? '';
    const english = await (await fetch(url, { headers: { 'accept-language': 'en-GB,en;q=0.9' } })).text();
    assert.match(english, /Your message preferences/);
    assert.match(english, /name="email:marketing" value="on" checked/);
    const chinese = await (await fetch(url, { headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } })).text();
    assert.match(chinese, /消息偏好设置/);
    assert.match(chinese, /<html lang="zh-CN">/);

    // Everything stays on except SMS as a whole and email service updates.
    const form = new URLSearchParams({ form: 'preferences' });
    for (const [, name] of english.matchAll(/name="(\w+:\w+)"/g)) {
      if (name !== 'sms:all' && name !== 'email:service' && name) form.set(name, 'on');
    }
    const saved = await fetch(url, { method: 'POST', body: form });
    assert.equal(saved.status, 200);
    assert.match(await saved.text(), /Saved/);
    const consent = (await godwit.godwit.store.getProfile(godwit.workspaceId, other))?.consent ?? {};
    assert.equal(consentStatus(consent, 'sms', 'all'), 'denied');
    assert.equal(consentStatus(consent, 'sms', 'marketing'), 'denied', 'channel-wide covers topics');
    assert.equal(consentStatus(consent, 'email', 'service'), 'denied');
    assert.equal(consentStatus(consent, 'email', 'marketing'), undefined, 'unchanged toggles write nothing');
    assert.deepEqual(Object.keys(consent).sort(), ['email', 'sms']);

    assert.equal((await fetch(`${url}x`)).status, 404);
  });
});
