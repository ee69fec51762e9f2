import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { ManualClock } from '../../shared/clock.ts';
import { callApi, iso, sendBatch, T0 } from '../test-journey-api.ts';
import { driveByHand, goLive } from './test-runtime.ts';

const vip = { id: 'vip', name: 'VIP', rule: { trait: 'plan', op: 'eq', value: 'vip' } };

const weeklyDigest = {
  id: 'weekly_digest',
  trigger: { type: 'schedule', at: '09:00', days: ['mon'], segment: 'vip' },
  entry: { policy: 'every_time' },
  start: 'digest',
  nodes: {
    digest: { type: 'send', template: 'weekly_digest', channel: 'email', next: 'done' },
    done: { type: 'exit' },
  },
};

/** Branches on segment membership: VIPs get the VIP offer. */
const checkoutOffer = {
  id: 'checkout_offer',
  trigger: { event: 'Checkout Started' },
  entry: { policy: 'every_time' },
  start: 'is_vip',
  nodes: {
    is_vip: {
      type: 'condition',
      rules: [{ property: 'segments.vip', op: 'exists' }],
      then: 'vip_offer',
      else: 'standard_offer',
    },
    vip_offer: { type: 'send', template: 'vip_offer', channel: 'email', next: 'done' },
    standard_offer: { type: 'send', template: 'standard_offer', channel: 'email', next: 'done' },
    done: { type: 'exit' },
  },
};

const WEEK = 7 * 86_400_000;
// T0 is Monday 6 January 2025, 09:00 UTC: 17:00 in Shanghai (passed), 04:00 in New York.
const NEW_YORK_9 = Date.UTC(2025, 0, 6, 14);
const SHANGHAI_9 = Date.UTC(2025, 0, 13, 1);

for (const storeName of ['sqlite', 'postgres'] as const) {
  describe(`schedule triggers and segment conditions (${storeName})`, () => {
    const clock = new ManualClock(T0);
    let t: TestGodwit;
    let n = 0;
    const identify = (userId: string, traits: Record<string, unknown>) => ({
      type: 'identify',
      userId,
      messageId: `s-${++n}`,
      traits: { email: `${userId}@example.com`, ...traits },
      timestamp: iso(clock.now()),
    });
    const customerOf = (userId: string) => t.godwit.customers.resolveId(t.workspaceId, userId, 'user_id');
    const templatesOf = async (journeyId: string) => {
      const sent = await t.godwit.store.journeys.listOutbox({ workspaceId: t.workspaceId, journeyId, limit: 100 });
      const names = new Map<string, string>();
      for (const userId of ['sh_vip', 'ny_vip', 'ny_basic', 'utc_vip']) {
        const customerId = await customerOf(userId).catch(() => undefined);
        if (customerId) names.set(customerId, userId);
      }
      return sent.map((m) => `${names.get(m.customerId)}:${m.payload.template}`).sort();
    };
    const fireAt = async (at: number) => {
      clock.advance(at - clock.now());
      return t.godwit.runtime.fireDueTimers();
    };
    const scheduleTimer = async () =>
      (await t.godwit.store.journeys.listTriggerTimers(t.workspaceId, 'weekly_digest')).find(
        (r) => r.customerId === null,
      );

    before(async () => {
      t = await startTestGodwit({ store: storeName, clock });
      await driveByHand(t);
      assert.equal((await callApi(t, 'POST', '/v1/segments', vip)).status, 201);
      await sendBatch(t, [
        identify('sh_vip', { plan: 'vip', timezone: 'Asia/Shanghai' }),
        identify('ny_vip', { plan: 'vip', timezone: 'America/New_York' }),
        identify('ny_basic', { plan: 'basic', timezone: 'America/New_York' }),
      ]);
      await t.godwit.segmentRuntime.processEvents();
      await t.godwit.segmentRuntime.finishBackfills();
    });
    after(() => t.close());

    it('plans the next Monday 09:00 among the zones in use', async () => {
      await goLive(t, weeklyDigest);
      assert.equal(await fireAt(T0), 0);
      assert.equal((await scheduleTimer())?.dueAt, NEW_YORK_9, '09:00 in New York comes first');
    });

    it('fires per zone, only for the members of the segment', async () => {
      await fireAt(NEW_YORK_9 - 1);
      assert.deepEqual(await templatesOf('weekly_digest'), []);
      await fireAt(NEW_YORK_9);
      assert.deepEqual(await templatesOf('weekly_digest'), ['ny_vip:weekly_digest']);
      assert.equal((await scheduleTimer())?.dueAt, SHANGHAI_9, 'then 09:00 next Monday in Shanghai');
      await fireAt(SHANGHAI_9);
      assert.deepEqual(await templatesOf('weekly_digest'), ['ny_vip:weekly_digest', 'sh_vip:weekly_digest']);
      await fireAt(NEW_YORK_9 + WEEK);
      assert.deepEqual(await templatesOf('weekly_digest'), [
        'ny_vip:weekly_digest',
        'ny_vip:weekly_digest',
        'sh_vip:weekly_digest',
      ]);
    });

    it('reaches a zone that was not in use when the journey went live', async () => {
      await sendBatch(t, [identify('utc_vip', { plan: 'vip' })]);
      await t.godwit.segmentRuntime.processEvents();
      await fireAt(SHANGHAI_9 + WEEK);
      // No timezone: the journey's zone, else UTC; 09:00 UTC falls between Shanghai's and New York's.
      await fireAt(Date.UTC(2025, 0, 20, 9));
      const sent = await templatesOf('weekly_digest');
      assert.equal(sent.filter((s) => s === 'utc_vip:weekly_digest').length, 1);
      assert.equal(sent.filter((s) => s === 'sh_vip:weekly_digest').length, 2);
    });

    it('branches a condition on segment membership', async () => {
      await goLive(t, checkoutOffer);
      await sendBatch(t, [
        {
          type: 'track',
          userId: 'ny_vip',
          event: 'Checkout Started',
          messageId: `s-${++n}`,
          timestamp: iso(clock.now()),
        },
        {
          type: 'track',
          userId: 'ny_basic',
          event: 'Checkout Started',
          messageId: `s-${++n}`,
          timestamp: iso(clock.now()),
        },
      ]);
      await t.godwit.runtime.processEvents();
      assert.deepEqual(await templatesOf('checkout_offer'), ['ny_basic:standard_offer', 'ny_vip:vip_offer']);
    });
  });
}
