import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { callApi, DAY, iso, sendBatch } from '../journeys/test-journey-api.ts';

describe('GET /v1/overview', () => {
  let t: TestGodwit;
  const now = Date.now();
  before(async () => {
    t = await startTestGodwit();
    await sendBatch(t, [
      { type: 'identify', userId: 'a', traits: { plan: 'pro' }, timestamp: iso(now) },
      { type: 'track', userId: 'a', event: 'Viewed', timestamp: iso(now) },
      { type: 'track', userId: 'b', event: 'Viewed', timestamp: iso(now) },
      { type: 'track', userId: 'b', event: 'Viewed', timestamp: iso(now - 2 * DAY) },
    ]);
  });
  after(() => t.close());

  it('counts events and active customers per day over the window it is asked for', async () => {
    const today = Math.floor(now / DAY) * DAY;
    const three = await callApi(t, 'GET', '/v1/overview?days=3');
    assert.equal(three.status, 200);
    assert.deepEqual(three.body.activity, [
      { day: today - 2 * DAY, events: 1, customers: 1 },
      { day: today, events: 3, customers: 2 },
    ]);
    assert.equal(three.body.customers, 2);
    assert.deepEqual(three.body.messages, []);
    assert.deepEqual(three.body.journeys, []);
    const one = await callApi(t, 'GET', '/v1/overview?days=1');
    assert.deepEqual(
      one.body.activity.map((d: { day: number }) => d.day),
      [today],
    );
  });

  it('refuses a window outside 1–366 days, and callers without a key or session', async () => {
    const zero = await callApi(t, 'GET', '/v1/overview?days=0');
    assert.equal(zero.status, 400);
    assert.match(zero.body.error.message, /query\.days/);
    assert.equal((await fetch(`${t.url}/v1/overview`)).status, 401);
  });
});
