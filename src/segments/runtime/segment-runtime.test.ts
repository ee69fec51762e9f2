import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { callApi, DAY, iso, sendBatch, T0 } from '../../journeys/test-journey-api.ts';
import { ManualClock } from '../../shared/clock.ts';
import { findInAllTables, scanTargetOf } from '../../storage/test-table-scan.ts';

const recentBuyers = {
  id: 'recent_buyers',
  name: 'Recent buyers',
  rule: { event: 'Order Completed', within: '30d', op: 'gte', value: 1 },
};
const quietUsers = {
  id: 'quiet_users',
  name: 'No login in 14 days',
  rule: {
    all: [
      { trait: 'plan', op: 'exists' },
      { event: 'Login', within: '14d', op: 'eq', value: 0 },
    ],
  },
};
const proPlan = { id: 'pro_plan', name: 'Pro plan', rule: { trait: 'plan', op: 'eq', value: 'pro' } };
const emailOptIn = {
  id: 'email_opt_in',
  name: 'Email marketing opt-in',
  rule: { consent: { channel: 'email', topic: 'marketing' }, status: 'granted' },
};

for (const storeName of ['sqlite', 'postgres'] as const) {
  describe(`segment runtime (${storeName})`, () => {
    const clock = new ManualClock(T0);
    let t: TestGodwit;
    let n = 0;
    const message = (type: string, userId: string, fields: Record<string, unknown>) => ({
      type,
      userId,
      messageId: `m-${++n}`,
      timestamp: iso(clock.now()),
      ...fields,
    });
    const track = (userId: string, event: string, properties: Record<string, unknown> = {}) =>
      message('track', userId, { event, properties });
    const identify = (userId: string, traits: Record<string, unknown>) => message('identify', userId, { traits });
    const customerOf = (userId: string) => t.godwit.customers.resolveId(t.workspaceId, userId, 'user_id');
    /** Profiles the events, evaluates segments, then profiles the entries and exits they appended. */
    const evaluate = async () => {
      await t.settle();
      await t.godwit.segmentRuntime.processEvents();
      await t.settle();
    };
    const fireTimers = async () => {
      await t.godwit.segmentRuntime.fireDueTimers();
      await t.settle();
    };
    const membersOf = async (segmentId: string) => {
      const reply = await callApi(t, 'GET', `/v1/segments/${segmentId}/members?limit=100`);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      return (reply.body.members as { customerId: string }[]).map((m) => m.customerId);
    };
    const timelineOf = async (customerId: string) => {
      const page = await t.godwit.store.timeline({ workspaceId: t.workspaceId, customerId, limit: 100 });
      return page.events
        .filter((e) => e.event === 'Segment Entered' || e.event === 'Segment Left')
        .map((e) => {
          const payload = JSON.parse(e.payload);
          return `${e.event} ${payload.properties.segment_id} ${payload.properties.segment_name}`;
        })
        .reverse();
    };

    before(async () => {
      t = await startTestGodwit({ store: storeName, clock });
      for (const segment of [recentBuyers, quietUsers, proPlan, emailOptIn]) {
        const reply = await callApi(t, 'POST', '/v1/segments', segment);
        assert.equal(reply.status, 201, JSON.stringify(reply.body));
      }
      await t.godwit.segmentRuntime.finishBackfills();
    });
    after(() => t.close());

    it('enters on the order that puts a customer in "≥ 1 order in 30 days", and leaves exactly 30 days later', async () => {
      const start = clock.now();
      await sendBatch(t, [identify('ann', { email: 'ann@example.com' }), track('ann', 'Order Completed')]);
      await evaluate();
      const ann = await customerOf('ann');
      assert.deepEqual(await membersOf('recent_buyers'), [ann]);
      assert.deepEqual(await timelineOf(ann), ['Segment Entered recent_buyers Recent buyers']);

      clock.advance(30 * DAY - 1);
      await fireTimers();
      assert.deepEqual(await membersOf('recent_buyers'), [ann], 'still in one millisecond before the order ages out');
      clock.advance(1);
      await fireTimers();
      assert.deepEqual(await membersOf('recent_buyers'), []);
      assert.deepEqual(await timelineOf(ann), [
        'Segment Entered recent_buyers Recent buyers',
        'Segment Left recent_buyers Recent buyers',
      ]);
      const left = (await t.godwit.store.timeline({ workspaceId: t.workspaceId, customerId: ann, limit: 1 })).events[0];
      assert.equal(left?.timestamp, start + 30 * DAY, 'the exit is stamped when it happened');
    });

    it('enters "no login in 14 days" as time passes, and leaves on the next login', async () => {
      await sendBatch(t, [identify('bob', { plan: 'basic' }), track('bob', 'Login')]);
      await evaluate();
      const bob = await customerOf('bob');
      assert.ok(!(await membersOf('quiet_users')).includes(bob));
      clock.advance(14 * DAY);
      await fireTimers();
      assert.ok((await membersOf('quiet_users')).includes(bob));
      await sendBatch(t, [track('bob', 'Login')]);
      await evaluate();
      assert.ok(!(await membersOf('quiet_users')).includes(bob));
      assert.deepEqual(await timelineOf(bob), [
        'Segment Entered quiet_users No login in 14 days',
        'Segment Left quiet_users No login in 14 days',
      ]);
    });

    it('follows a trait: enters when an identify sets plan pro, leaves when it changes', async () => {
      await sendBatch(t, [identify('cat', { plan: 'basic' })]);
      await evaluate();
      const cat = await customerOf('cat');
      assert.ok(!(await membersOf('pro_plan')).includes(cat));
      // Later than the customer's creation, so only the segments reading `plan` are evaluated.
      clock.advance(1);
      await sendBatch(t, [identify('cat', { nickname: 'kit' })]);
      await evaluate();
      assert.ok(!(await membersOf('pro_plan')).includes(cat));
      await sendBatch(t, [identify('cat', { plan: 'pro' })]);
      await evaluate();
      assert.ok((await membersOf('pro_plan')).includes(cat));
      await sendBatch(t, [identify('cat', { plan: 'free' })]);
      await evaluate();
      assert.ok(!(await membersOf('pro_plan')).includes(cat));
    });

    it('follows consent given through the consent API', async () => {
      await sendBatch(t, [identify('dan', { email: 'dan@example.com' })]);
      await evaluate();
      const dan = await customerOf('dan');
      assert.ok(!(await membersOf('email_opt_in')).includes(dan));
      const consent = { channel: 'email', topic: 'marketing', status: 'granted' };
      assert.equal((await callApi(t, 'PUT', `/v1/customers/${dan}/consent`, consent)).status, 200);
      await fireTimers();
      assert.ok((await membersOf('email_opt_in')).includes(dan));
      const denied = { ...consent, status: 'denied' };
      assert.equal((await callApi(t, 'PUT', `/v1/customers/${dan}/consent`, denied)).status, 200);
      await fireTimers();
      assert.ok(!(await membersOf('email_opt_in')).includes(dan));
    });

    it('evaluates every existing customer in the background when a segment is created or changed', async () => {
      await sendBatch(t, [identify('eve', { plan: 'enterprise' }), identify('fay', { plan: 'enterprise' })]);
      await evaluate();
      const rule = { trait: 'plan', op: 'eq', value: 'enterprise' };
      const created = await callApi(t, 'POST', '/v1/segments', { id: 'enterprise', name: 'Enterprise', rule });
      assert.equal(created.status, 201);
      assert.equal(created.body.segment.evaluating, true);
      await t.godwit.segmentRuntime.finishBackfills();
      const eve = await customerOf('eve');
      const fay = await customerOf('fay');
      assert.deepEqual((await membersOf('enterprise')).sort(), [eve, fay].sort());
      const read = await callApi(t, 'GET', '/v1/segments/enterprise');
      assert.equal(read.body.segment.size, 2);
      assert.equal(read.body.segment.evaluating, false);

      const narrowed = { name: 'Enterprise (none)', rule: { trait: 'plan', op: 'eq', value: 'nobody' } };
      const updated = await callApi(t, 'PUT', '/v1/segments/enterprise', narrowed);
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      await t.godwit.segmentRuntime.finishBackfills();
      assert.deepEqual(await membersOf('enterprise'), []);
    });

    it('erases a member with their memberships and timers', async () => {
      await sendBatch(t, [identify('gil', { plan: 'pro' }), track('gil', 'Order Completed')]);
      await evaluate();
      const gil = await customerOf('gil');
      const state = await t.godwit.store.segments.stateOf(t.workspaceId, [gil]);
      assert.ok(state.memberships.length >= 2 && state.timers.length >= 1, 'a member with a timer to erase');
      assert.equal((await callApi(t, 'DELETE', `/v1/customers/${gil}`)).status, 200);
      const after = await t.godwit.store.segments.stateOf(t.workspaceId, [gil]);
      assert.deepEqual(after, { memberships: [], timers: [] });
      assert.deepEqual(await findInAllTables(scanTargetOf(t.godwit.config), [gil, 'gil']), []);
    });
  });
}
