import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { ManualClock } from '../../shared/clock.ts';
import { DAY, HOUR, iso, sendBatch, T0 } from '../test-journey-api.ts';
import { driveByHand, goLive } from './test-runtime.ts';

const thankYou = {
  id: 'thank_you',
  trigger: { event: 'Order Completed', where: [{ property: 'total', op: 'gt', value: 100 }] },
  entry: { policy: 'every_time' },
  start: 'thanks',
  nodes: {
    thanks: { type: 'send', template: 'thanks', channel: 'best', next: 'pause' },
    pause: { type: 'wait', duration: '30d', next: 'check_in' },
    check_in: { type: 'send', template: 'check_in', channel: 'email', next: 'done' },
    done: { type: 'exit' },
  },
};

for (const storeName of ['sqlite', 'postgres'] as const) {
  describe(`journey runtime (${storeName})`, () => {
    const clock = new ManualClock(T0);
    let t: TestGodwit;
    let n = 0;
    const order = (userId: string, total: number, extra: Record<string, unknown> = {}) => ({
      type: 'track',
      userId,
      messageId: `m-${++n}`,
      event: 'Order Completed',
      properties: { total, ...extra },
      timestamp: iso(clock.now()),
    });
    const identify = (userId: string, traits: Record<string, unknown>) => ({
      type: 'identify',
      userId,
      messageId: `m-${++n}`,
      traits,
      timestamp: iso(clock.now()),
    });
    const outboxOf = async (customerId: string) =>
      (await t.godwit.store.journeys.listOutbox({ workspaceId: t.workspaceId, customerId, limit: 100 })).reverse();
    const customerOf = (userId: string) => t.godwit.customers.resolveId(t.workspaceId, userId, 'user_id');
    const runsOf = (customerId: string) =>
      t.godwit.store.journeys.listRuns({ workspaceId: t.workspaceId, customerId, limit: 100 });

    before(async () => {
      t = await startTestGodwit({ store: storeName, clock });
      await driveByHand(t);
      await goLive(t, thankYou);
    });
    after(() => t.close());

    it('starts a run on a matching event, sends, waits 30 days in the store and sends again', async () => {
      await sendBatch(t, [identify('ann', { email: 'ann@example.com' }), order('ann', 150), order('ann', 50)]);
      await t.godwit.runtime.processEvents();
      const ann = await customerOf('ann');
      const [first, ...rest] = await outboxOf(ann);
      assert.equal(rest.length, 0, 'the order of 50 does not match total > 100');
      assert.equal(first?.channel, 'email');
      assert.equal(first?.status, 'pending');
      assert.equal(first?.payload.address, 'ann@example.com');
      assert.equal(first?.payload.template, 'thanks');
      const [run] = await runsOf(ann);
      assert.equal(run?.status, 'waiting');
      assert.equal(run?.nodeId, 'pause');

      clock.advance(30 * DAY - HOUR);
      assert.equal(await t.godwit.runtime.fireDueTimers(), 0, 'not due before 30 days');
      clock.advance(HOUR);
      assert.equal(await t.godwit.runtime.fireDueTimers(), 1);
      const messages = await outboxOf(ann);
      assert.deepEqual(
        messages.map((m) => m.payload.template),
        ['thanks', 'check_in'],
      );
      const [finished] = await runsOf(ann);
      assert.equal(finished?.status, 'finished');
      assert.equal(finished?.outcome, 'completed');
      assert.equal(await t.godwit.store.journeys.countTimers(), 0);
    });

    it('counts per node and keeps the path on the run', async () => {
      const counts = await t.godwit.store.journeys.nodeCounts(t.workspaceId, 'thank_you');
      const count = (nodeId: string, kind: string) =>
        counts.find((c) => c.nodeId === nodeId && c.kind === kind && c.branch === '')?.count ?? 0;
      assert.equal(count('thanks', 'entered'), 1);
      assert.equal(count('check_in', 'completed'), 1);
      assert.equal(count('', 'completed'), 1);
      const [summary] = await runsOf(await customerOf('ann'));
      const [run] = await t.godwit.store.journeys.getRuns([summary?.runId ?? '']);
      assert.deepEqual(
        run?.path.filter((p) => p.kind === 'entered').map((p) => p.nodeId),
        ['thanks', 'pause', 'check_in', 'done'],
      );
    });

    it('keeps in-flight runs on their version when a new one goes live', async () => {
      await sendBatch(t, [identify('bob', { email: 'bob@example.com' }), order('bob', 200)]);
      await t.godwit.runtime.processEvents();
      await goLive(
        t,
        {
          ...thankYou,
          nodes: { ...thankYou.nodes, check_in: { ...thankYou.nodes.check_in, template: 'check_in_v2' } },
        },
        2,
      );
      await sendBatch(t, [identify('cat', { email: 'cat@example.com' }), order('cat', 300)]);
      await t.godwit.runtime.processEvents();
      clock.advance(30 * DAY);
      assert.equal(await t.godwit.runtime.fireDueTimers(), 2);
      const bob = await outboxOf(await customerOf('bob'));
      const cat = await outboxOf(await customerOf('cat'));
      assert.equal(bob.at(-1)?.payload.template, 'check_in', 'bob started on v1');
      assert.equal(cat.at(-1)?.payload.template, 'check_in_v2', 'cat started on v2');
    });

    it('enters a once-ever journey once, though its first run finished batches ago', async () => {
      await goLive(t, {
        id: 'first_signup',
        trigger: { event: 'Signed Up' },
        entry: { policy: 'once' },
        start: 'done',
        nodes: { done: { type: 'exit' } },
      });
      const signedUp = (userId: string) => ({
        type: 'track',
        userId,
        messageId: `m-${++n}`,
        event: 'Signed Up',
        timestamp: iso(clock.now()),
      });
      await sendBatch(t, [identify('eve', { email: 'eve@example.com' }), signedUp('eve')]);
      await t.godwit.runtime.processEvents();
      clock.advance(DAY);
      // A batch of other events in between: the journey's history is read only for batches that can start it.
      await sendBatch(t, [order('eve', 120)]);
      await t.godwit.runtime.processEvents();
      await sendBatch(t, [signedUp('eve')]);
      await t.godwit.runtime.processEvents();
      const runs = (await runsOf(await customerOf('eve'))).filter((r) => r.journeyId === 'first_signup');
      assert.deepEqual(
        runs.map((r) => r.status),
        ['finished'],
      );
    });

    it('suppresses a send the customer cannot receive, and says why', async () => {
      await sendBatch(t, [identify('dan', { name: 'Dan' }), order('dan', 500)]);
      await t.godwit.runtime.processEvents();
      clock.advance(30 * DAY);
      await t.godwit.runtime.fireDueTimers();
      const [best, fixed] = await outboxOf(await customerOf('dan'));
      assert.equal(best?.channel, 'in_app', 'best falls back to in-app with no address');
      assert.equal(fixed?.status, 'suppressed');
      assert.equal(fixed?.channel, 'email', 'listed with the channel its node named');
      assert.match(String(fixed?.payload.decision), /no email address/);
    });
  });
}
