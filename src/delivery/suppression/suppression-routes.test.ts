import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { goLive, messagesByNode } from '../../journeys/runtime/test-runtime.ts';
import { callApi, sendBatch } from '../../journeys/test-journey-api.ts';

/** The suppression list over HTTP, and a journey's send choosing around a listed address. */
describe('suppressions API', () => {
  let t: TestGodwit;
  const call = (path: string, method = 'GET', body?: unknown) => callApi(t, method, path, body);
  const add = (body: unknown) => call('/v1/suppressions', 'POST', body);

  before(async () => {
    t = await startTestGodwit();
  });
  after(() => t.close());

  it('adds normalised addresses once, lists them in pages, removes them', async () => {
    const first = await add({ channel: 'email', address: ' Ada@Example.COM ', note: 'asked by phone' });
    assert.equal(first.status, 201);
    assert.deepEqual(
      [first.body.suppression.address, first.body.suppression.reason, first.body.suppression.detail],
      ['ada@example.com', 'manual', { note: 'asked by phone' }],
    );
    assert.equal((await add({ channel: 'email', address: 'ada@example.com' })).status, 200);
    assert.equal(
      (await add({ channel: 'sms', address: '+44 20 7946 0958' })).body.suppression.address,
      '+442079460958',
    );
    const page = await call('/v1/suppressions?limit=1');
    assert.equal(page.body.suppressions.length, 1);
    const rest = await call(`/v1/suppressions?limit=1&before=${page.body.next}`);
    assert.equal(rest.body.suppressions.length, 1);
    assert.notEqual(rest.body.suppressions[0].address, page.body.suppressions[0].address);
    assert.equal(rest.body.next, null, 'no older page after the last address');
    assert.deepEqual(
      (await call('/v1/suppressions?channel=sms')).body.suppressions.map((s: { address: string }) => s.address),
      ['+442079460958'],
    );
    assert.equal((await call('/v1/suppressions/sms/%2B442079460958', 'DELETE')).status, 204);
    assert.equal((await call('/v1/suppressions/sms/%2B442079460958', 'DELETE')).status, 404);
  });

  it('answers bad input with 400 naming the field, and a missing key with 401', async () => {
    const badAddress = await add({ channel: 'email', address: 'not an email' });
    assert.equal(badAddress.status, 400);
    assert.match(badAddress.body.error.message, /not a valid email address/);
    const badChannel = await add({ channel: 'pigeon', address: 'x' });
    assert.equal(badChannel.status, 400);
    assert.match(badChannel.body.error.message, /^channel:/);
    assert.equal((await call('/v1/suppressions?before=zzz')).status, 400);
    assert.equal((await fetch(`${t.url}/v1/suppressions`)).status, 401);
  });

  it('a journey send passes over a suppressed address and records why', async () => {
    await goLive(t, {
      id: 'welcome',
      // Transactional: the default policy's SMS quiet hours (21:00–08:00) would reroute a marketing send at night.
      category: 'transactional',
      trigger: { event: 'Signed Up' },
      start: 'hello',
      nodes: {
        hello: { type: 'send', template: 'welcome', channel: 'email', next: 'best' },
        best: { type: 'send', template: 'welcome', channel: 'best', next: 'done' },
        done: { type: 'exit' },
      },
    });
    const batch = [
      { type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', phone: '+442079460958' } },
      { type: 'track', userId: 'ada', event: 'Signed Up' },
    ];
    await sendBatch(t, batch);
    const byNode = await messagesByNode(t, 'welcome', 2);
    assert.equal(byNode.hello?.status, 'suppressed');
    const hello = await call(`/v1/messages/${encodeURIComponent(byNode.hello?.key ?? '')}`);
    assert.match(JSON.stringify(hello.body.message), /email address ada@example.com is suppressed \(manual\)/);
    assert.deepEqual(
      [byNode.best?.status, byNode.best?.channel, byNode.best?.address],
      ['pending', 'sms', '+442079460958'],
    );
  });
});
