import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { callApi, DAY, iso, sendBatch, T0 } from '../../journeys/test-journey-api.ts';
import { holdoutLift } from '../holdout-lift.ts';
import { holdoutBucket } from '../suppression-rules.ts';

const CUSTOMERS = 120;
const window = `since=${iso(T0)}&until=${iso(T0 + 7 * DAY)}`;

/** Every third customer orders in the window, every fifth only before it, every seventh does something else. */
function history(i: number): Record<string, unknown>[] {
  const userId = `u${i}`;
  const track = (event: string, at: number) => ({ type: 'track', userId, event, timestamp: iso(at) });
  return [
    { type: 'identify', userId, traits: { email: `${userId}@example.com` }, timestamp: iso(T0 - 30 * DAY) },
    ...(i % 3 === 0 ? [track('Order Completed', T0 + DAY), track('Order Completed', T0 + 2 * DAY)] : []),
    ...(i % 5 === 0 ? [track('Order Completed', T0 - DAY)] : []),
    ...(i % 7 === 0 ? [track('Product Viewed', T0 + DAY)] : []),
  ];
}

for (const storeName of ['sqlite', 'postgres'] as const) {
  describe(`holdout lift (${storeName})`, () => {
    let t: TestGodwit;
    const get = (query: string) => callApi(t, 'GET', `/v1/policy/holdout?${query}`);
    before(async () => {
      t = await startTestGodwit({ store: storeName });
      await sendBatch(t, Array.from({ length: CUSTOMERS }, (_, i) => history(i)).flat());
    });
    after(() => t.close());

    it('is a 409 while the policy holds no one out', async () => {
      const refused = await get(`event=Order%20Completed&${window}`);
      assert.deepEqual(
        [refused.status, refused.body.error.message],
        [409, 'the policy holds no customers out: set holdout.percent to measure lift'],
      );
    });

    it('counts each group and its conversions in the window, as the holdout assigns them', async () => {
      const salt = 'lift-test';
      assert.equal((await callApi(t, 'PUT', '/v1/policy', { holdout: { percent: 30, salt } })).status, 200);
      const groups = { holdout: { customers: 0, converted: 0 }, treatment: { customers: 0, converted: 0 } };
      for (let i = 0; i < CUSTOMERS; i += 1) {
        const id = (await callApi(t, 'GET', `/v1/customers/u${i}`)).body.profile.id as string;
        const group = holdoutBucket(id, salt) < 3000 ? groups.holdout : groups.treatment;
        group.customers += 1;
        if (i % 3 === 0) group.converted += 1;
      }
      assert.ok(groups.holdout.customers > 20 && groups.treatment.customers > 60, JSON.stringify(groups));

      const report = await get(`event=Order%20Completed&${window}`);
      assert.equal(report.status, 200, JSON.stringify(report.body));
      assert.deepEqual(report.body, {
        event: 'Order Completed',
        since: iso(T0),
        until: iso(T0 + 7 * DAY),
        percent: 30,
        classes: ['marketing'],
        ...JSON.parse(JSON.stringify(holdoutLift(groups.holdout, groups.treatment))),
        warnings: [],
      });
      const days = await get(`event=Order%20Completed&until=${iso(T0 + 7 * DAY)}&days=7`);
      assert.deepEqual(days.body, report.body, 'days counts back from until');
      const none = await get(`event=Refund%20Issued&${window}`);
      assert.deepEqual([none.body.holdout.converted, none.body.treatment.converted], [0, 0]);
      assert.deepEqual(none.body.warnings, [
        'no customer did Refund Issued in the window; event names are matched exactly, case included',
      ]);
    });

    it('refuses a query it cannot answer, saying what is wrong', async () => {
      const cases: [string, string][] = [
        [window, 'query.event: is required: the conversion event, such as Order Completed'],
        [`event=x&since=yesterday`, 'query.since: must be an ISO 8601 time such as 2026-11-01T00:00:00Z'],
        [`event=x&since=${iso(T0)}&days=3`, 'query: give since or days, not both'],
        [`event=x&since=${iso(T0)}&until=${iso(T0)}`, 'since must be before until'],
        [`event=x&days=0`, 'query.days: Too small: expected number to be >=1'],
        [`event=x&since=1970-01-01T00:00:00Z`, 'the window is at most 366 days: move since or until'],
      ];
      for (const [query, message] of cases) {
        const refused = await get(query);
        assert.deepEqual([refused.status, refused.body.error.message], [400, message], query);
      }
    });
  });
}
