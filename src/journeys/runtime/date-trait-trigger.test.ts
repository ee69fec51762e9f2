import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { ManualClock } from '../../shared/clock.ts';
import { iso, sendBatch, T0 } from '../test-journey-api.ts';
import { driveByHand, goLive } from './test-runtime.ts';

const renewalReminder = {
  id: 'renewal_reminder',
  trigger: { type: 'date_trait', trait: 'renewal_date', when: 'before', days: 7, at: '09:00' },
  entry: { policy: 'every_time' },
  start: 'remind',
  nodes: {
    remind: { type: 'send', template: 'renewal_soon', channel: 'email', next: 'done' },
    done: { type: 'exit' },
  },
};

const birthday = {
  id: 'birthday',
  trigger: { type: 'date_trait', trait: 'birthday', when: 'anniversary', at: '10:00' },
  entry: { policy: 'every_time' },
  start: 'wish',
  nodes: {
    wish: { type: 'send', template: 'happy_birthday', channel: 'email', next: 'done' },
    done: { type: 'exit' },
  },
};

for (const storeName of ['sqlite', 'postgres'] as const) {
  describe(`date-trait triggers (${storeName})`, () => {
    const clock = new ManualClock(T0);
    let t: TestGodwit;
    let n = 0;
    const identify = (userId: string, traits: Record<string, unknown>) => ({
      type: 'identify',
      userId,
      messageId: `d-${++n}`,
      traits,
      timestamp: iso(clock.now()),
    });
    const customerOf = (userId: string) => t.godwit.customers.resolveId(t.workspaceId, userId, 'user_id');
    const timerOf = async (journeyId: string, userId: string) => {
      const customerId = await customerOf(userId);
      const timers = await t.godwit.store.journeys.listTriggerTimers(t.workspaceId, journeyId);
      return timers.filter((timer) => timer.customerId === customerId).map((timer) => timer.dueAt);
    };
    const runsOf = async (userId: string, journeyId: string) =>
      (
        await t.godwit.store.journeys.listRuns({
          workspaceId: t.workspaceId,
          customerId: await customerOf(userId),
          limit: 100,
        })
      ).filter((run) => run.journeyId === journeyId);
    const ingest = async (batch: Record<string, unknown>[]) => {
      await sendBatch(t, batch);
      await t.godwit.runtime.processEvents();
    };
    const moveTo = (at: number) => clock.advance(at - clock.now());
    const fireAt = async (at: number) => {
      moveTo(at);
      return t.godwit.runtime.fireDueTimers();
    };

    before(async () => {
      t = await startTestGodwit({ store: storeName, clock });
      await driveByHand(t);
    });
    after(() => t.close());

    it('reminds 7 days before renewal_date at 09:00 in each customer zone', async () => {
      // Shanghai is known before the journey goes live (the walk over every customer finds it);
      // New York arrives after (its identify sets the timer).
      await ingest([
        identify('shanghai', { email: 's@example.com', timezone: 'Asia/Shanghai', renewal_date: '2025-02-01' }),
      ]);
      await goLive(t, renewalReminder);
      await t.godwit.runtime.fireDueTimers();
      await ingest([
        identify('new_york', { email: 'n@example.com', timezone: 'America/New_York', renewal_date: '2025-02-01' }),
        identify('nobody', { email: 'x@example.com' }),
      ]);
      assert.deepEqual(await timerOf('renewal_reminder', 'shanghai'), [Date.UTC(2025, 0, 25, 1)]);
      assert.deepEqual(await timerOf('renewal_reminder', 'new_york'), [Date.UTC(2025, 0, 25, 14)]);
      assert.deepEqual(await timerOf('renewal_reminder', 'nobody'), []);

      await fireAt(Date.UTC(2025, 0, 25, 0, 59));
      assert.equal((await runsOf('shanghai', 'renewal_reminder')).length, 0, 'not before 09:00 Shanghai');
      await fireAt(Date.UTC(2025, 0, 25, 1));
      assert.equal((await runsOf('shanghai', 'renewal_reminder')).length, 1);
      assert.equal((await runsOf('new_york', 'renewal_reminder')).length, 0, 'still night in New York');
      await fireAt(Date.UTC(2025, 0, 25, 14));
      const [run] = await runsOf('new_york', 'renewal_reminder');
      assert.ok(run);
      const [state] = await t.godwit.store.journeys.getRuns([run.runId]);
      assert.deepEqual(state?.state.trigger.properties, {
        trait: 'renewal_date',
        value: '2025-02-01',
        date: '2025-02-01',
      });
      const sent = await t.godwit.store.journeys.listOutbox({
        workspaceId: t.workspaceId,
        journeyId: 'renewal_reminder',
        limit: 10,
      });
      assert.equal(sent.length, 2);
      assert.deepEqual(await timerOf('renewal_reminder', 'shanghai'), [], 'a before/after trigger fires once');
    });

    it('moves the timer when the trait changes and removes it when the trait is removed', async () => {
      await ingest([identify('mover', { timezone: 'Europe/Berlin', renewal_date: '2025-03-01' })]);
      assert.deepEqual(await timerOf('renewal_reminder', 'mover'), [Date.UTC(2025, 1, 22, 8)]);
      await ingest([identify('mover', { renewal_date: '2025-04-01' })]);
      assert.deepEqual(await timerOf('renewal_reminder', 'mover'), [Date.UTC(2025, 2, 25, 8)], 'one timer, moved');
      await fireAt(Date.UTC(2025, 1, 22, 8));
      assert.equal((await runsOf('mover', 'renewal_reminder')).length, 0, 'the old date does not fire');
      await ingest([identify('mover', { renewal_date: null })]);
      assert.deepEqual(await timerOf('renewal_reminder', 'mover'), []);
    });

    it('wishes a happy birthday every year', async () => {
      moveTo(Date.UTC(2025, 2, 1));
      await goLive(t, birthday);
      await ingest([identify('bday', { email: 'b@example.com', timezone: 'UTC', birthday: '1990-03-10' })]);
      assert.deepEqual(await timerOf('birthday', 'bday'), [Date.UTC(2025, 2, 10, 10)]);
      await fireAt(Date.UTC(2025, 2, 10, 10));
      assert.equal((await runsOf('bday', 'birthday')).length, 1);
      assert.deepEqual(await timerOf('birthday', 'bday'), [Date.UTC(2026, 2, 10, 10)], 'next year');
      await fireAt(Date.UTC(2026, 2, 10, 10));
      assert.equal((await runsOf('bday', 'birthday')).length, 2);
      assert.deepEqual(await timerOf('birthday', 'bday'), [Date.UTC(2027, 2, 10, 10)]);
    });

    it('drops every trigger timer of a journey that is no longer live', async () => {
      const { store } = t.godwit;
      const journey = await store.journeys.getJourney(t.workspaceId, 'birthday');
      assert.ok(journey);
      await store.journeys.saveJourney({ ...journey, status: 'paused' });
      t.godwit.runtime.journeysChanged();
      await t.godwit.runtime.fireDueTimers();
      assert.deepEqual(await store.journeys.listTriggerTimers(t.workspaceId, 'birthday'), []);
    });
  });
}
