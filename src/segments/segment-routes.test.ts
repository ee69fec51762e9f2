import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { callApi, sendBatch } from '../journeys/test-journey-api.ts';

const yaml = `id: vip
name: VIP
rule:
  any:
    - { trait: plan, op: eq, value: vip }
    - { event: Order Completed, within: 7d, op: gte, value: 3 }
`;

for (const storeName of ['sqlite', 'postgres'] as const) {
  describe(`segments API (${storeName})`, () => {
    let t: TestGodwit;
    before(async () => {
      t = await startTestGodwit({ store: storeName });
    });
    after(() => t.close());

    it('refuses a bad definition with each problem at its path', async () => {
      const bad = {
        id: 'bad',
        name: 'Bad',
        rule: {
          all: [
            { trait: 'plan', op: 'eq', value: 1 },
            { event: 'X', within: 'soon' },
          ],
        },
      };
      const reply = await callApi(t, 'POST', '/v1/segments', bad);
      assert.equal(reply.status, 400);
      assert.match(reply.body.error.message, /rule\.all\[1\]\.within: must be like 30m, 2h, 3d/);
      assert.ok(reply.body.error.details.some((issue: { path: string }) => issue.path === 'rule.all[1].within'));
      const unauthorized = await fetch(`${t.url}/v1/segments`, { headers: { authorization: `Bearer ${t.writeKey}` } });
      assert.equal(unauthorized.status, 401, 'the write key cannot manage segments');
      await unauthorized.body?.cancel();
    });

    it('creates from YAML, refuses a second create, updates, lists, pages members and deletes', async () => {
      const created = await callApi(t, 'POST', '/v1/segments', { source: yaml });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.segment.definition.rule.any[1].event, 'Order Completed');
      assert.equal((await callApi(t, 'POST', '/v1/segments', { source: yaml })).status, 409);

      await sendBatch(
        t,
        ['v1', 'v2', 'v3'].map((userId) => ({ type: 'identify', userId, traits: { plan: 'vip' } })),
      );
      await t.godwit.segmentRuntime.processEvents();
      await t.godwit.segmentRuntime.finishBackfills();
      const read = await callApi(t, 'GET', '/v1/segments/vip');
      assert.deepEqual([read.status, read.body.segment.size, read.body.segment.name], [200, 3, 'VIP']);

      const first = await callApi(t, 'GET', '/v1/segments/vip/members?limit=2');
      assert.equal(first.body.members.length, 2);
      assert.ok(first.body.next);
      const second = await callApi(t, 'GET', `/v1/segments/vip/members?limit=2&after=${first.body.next}`);
      assert.equal(second.body.members.length, 1);
      assert.equal(second.body.next, null);
      const ids = [...first.body.members, ...second.body.members].map((m: { customerId: string }) => m.customerId);
      assert.equal(new Set(ids).size, 3);
      const zero = await callApi(t, 'GET', '/v1/segments/vip/members?limit=0');
      assert.equal(zero.status, 400);
      assert.doesNotMatch(zero.body.error.message, /must be a number/, 'names what is wrong with 0');
      assert.match(zero.body.error.message, /query\.limit: .*1/);

      const ofCustomer = await callApi(t, 'GET', '/v1/customers/v1/segments');
      assert.deepEqual(
        ofCustomer.body.segments.map((s: { id: string; name: string; since: string }) => [
          s.id,
          s.name,
          typeof s.since,
        ]),
        [['vip', 'VIP', 'string']],
      );
      assert.equal((await callApi(t, 'GET', '/v1/customers/nobody/segments')).status, 404);

      const renamed = await callApi(t, 'PUT', '/v1/segments/vip', {
        name: 'Very important',
        rule: { trait: 'plan', op: 'eq', value: 'vip' },
      });
      assert.deepEqual([renamed.status, renamed.body.segment.version], [200, 2]);
      const mismatch = await callApi(t, 'PUT', '/v1/segments/vip', {
        id: 'other',
        name: 'x',
        rule: { trait: 'a', op: 'exists' },
      });
      assert.equal(mismatch.status, 400);
      assert.equal(
        (await callApi(t, 'PUT', '/v1/segments/nope', { name: 'x', rule: { trait: 'a', op: 'exists' } })).status,
        404,
      );
      const list = await callApi(t, 'GET', '/v1/segments');
      assert.deepEqual(
        list.body.segments.map((s: { id: string; name: string }) => [s.id, s.name]),
        [['vip', 'Very important']],
      );

      assert.equal((await callApi(t, 'DELETE', '/v1/segments/vip')).status, 200);
      assert.equal((await callApi(t, 'GET', '/v1/segments/vip')).status, 404);
      assert.equal((await callApi(t, 'DELETE', '/v1/segments/vip')).status, 404);
      const state = await t.godwit.store.segments.stateOf(t.workspaceId, ids);
      assert.deepEqual(state, { memberships: [], timers: [] }, 'memberships go with the segment');
    });
  });
}
