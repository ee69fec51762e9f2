import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { goLive } from '../../journeys/runtime/test-runtime.ts';
import { callApi, sendBatch } from '../../journeys/test-journey-api.ts';

/** Groups over the API, a journey send naming its topic, and the preferences page listing the groups. */
describe('subscription groups', () => {
  let t: TestGodwit;
  const call = (path: string, method = 'GET', body?: unknown) => callApi(t, method, path, body);
  const put = (id: string, body: unknown) => call(`/v1/subscription-groups/${id}`, 'PUT', body);
  const messagesOf = async (customer: string, count: number) => {
    let messages: Record<string, any>[] = [];
    for (let i = 0; i < 200; i++) {
      messages = (await call(`/v1/messages?customer=${customer}`)).body.messages ?? [];
      if (messages.length >= count && messages.every((m) => !['pending', 'sending'].includes(m.status))) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    return messages;
  };
  const consent = async (customer: string) => (await call(`/v1/customers/${customer}`)).body.profile.consent;

  before(async () => {
    t = await startTestGodwit({ deliver: true });
  });
  after(() => t.close());

  it('defines groups per workspace, validates them, lists and removes them', async () => {
    const created = await put('newsletter', { name: 'Weekly newsletter', channels: ['email', 'email'] });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.group.channels, ['email']);
    assert.equal((await put('newsletter', { name: 'The newsletter', channels: ['email', 'sms'] })).status, 200);
    assert.equal((await put('product-updates', { name: 'Product updates', channels: ['email'] })).status, 201);
    const reserved = await put('marketing', { name: 'x', channels: ['email'] });
    assert.equal(reserved.status, 400);
    assert.match(reserved.body.error.message, /^path\.id: must not be one of all, transactional, service, marketing/);
    assert.equal((await put('Bad Name', { name: 'x', channels: ['email'] })).status, 400);
    assert.match((await put('ok', { name: 'x', channels: [] })).body.error.message, /^channels: must name/);
    assert.match((await put('ok', { name: 'x', channels: ['fax'] })).body.error.message, /^channels\[0\]/);
    const { body } = await call('/v1/subscription-groups');
    assert.deepEqual(
      body.groups.map((g: { id: string; name: string }) => [g.id, g.name]),
      [
        ['newsletter', 'The newsletter'],
        ['product-updates', 'Product updates'],
      ],
    );
    assert.equal((await call('/v1/subscription-groups/product-updates', 'DELETE')).status, 204);
    assert.equal((await call('/v1/subscription-groups/product-updates', 'DELETE')).status, 404);
  });

  it('a marketing send naming a topic goes only to customers who said yes to it', async () => {
    await goLive(t, {
      id: 'weekly',
      category: 'marketing',
      trigger: { event: 'Week Started' },
      start: 'issue',
      nodes: {
        issue: { type: 'send', template: 'cart_reminder', channel: 'email', topic: 'newsletter', next: 'done' },
        done: { type: 'exit' },
      },
    });
    await sendBatch(t, [
      { type: 'identify', userId: 'yes', traits: { email: 'yes@example.com' } },
      { type: 'identify', userId: 'silent', traits: { email: 'silent@example.com' } },
    ]);
    const consentGiven = { channel: 'email', topic: 'newsletter', status: 'granted' };
    const granted = await call('/v1/customers/yes/consent', 'PUT', consentGiven);
    assert.equal(granted.status, 200);
    const pigeon = await call('/v1/customers/yes/consent', 'PUT', { ...consentGiven, channel: 'pigeon' });
    assert.equal(pigeon.status, 400);
    assert.match(pigeon.body.error.message, /channel: must be one of email, sms/);
    await sendBatch(t, [
      { type: 'track', userId: 'yes', event: 'Week Started' },
      { type: 'track', userId: 'silent', event: 'Week Started' },
    ]);
    const [silent] = await messagesOf('silent', 1);
    assert.equal(silent?.status, 'suppressed');
    const detail = await call(`/v1/messages/${encodeURIComponent(silent?.key)}`);
    assert.match(JSON.stringify(detail.body.message.payload), /no email consent for newsletter/);
    const [yes] = await messagesOf('yes', 1);
    assert.equal(yes?.status, 'delivered');
    const sent = await call(`/v1/messages/${encodeURIComponent(yes?.key)}`);
    const unsubscribe = String(sent.body.message.content.headers['List-Unsubscribe']).slice(1, -1);

    // The page lists the group with its box ticked, then one click turns off just that group.
    const page = await (await fetch(unsubscribe)).text();
    assert.match(page, /<input type="checkbox" name="email:newsletter" value="on" checked> The newsletter/);
    assert.match(page, /<input type="checkbox" name="sms:newsletter" value="on"> The newsletter/);
    const oneClick = await fetch(unsubscribe, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    assert.equal(oneClick.status, 200);
    assert.equal((await consent('yes')).email.newsletter.status, 'denied');
    assert.equal((await consent('yes')).email.marketing, undefined, 'only the group, not all offers');

    // "Unsubscribe from all" turns off every offer and group, on every channel, and nothing else.
    const all = await fetch(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'form=preferences&unsubscribe=all',
    });
    assert.equal(all.status, 200);
    const after = await consent('yes');
    assert.equal(after.email.marketing.status, 'denied');
    assert.equal(after.sms.marketing.status, 'denied');
    assert.equal(after.email.all, undefined);
    assert.equal(after.email.service, undefined);
  });
});
