import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { InProcessBus } from '../bus/in-process-bus.ts';
import { JourneyDefinitions } from '../journeys/runtime/journey-definitions.ts';
import { driveByHand, errorLog, goLive, refusingStore } from '../journeys/runtime/test-runtime.ts';
import { POSTPONE_FAILING_TIMER_MS } from '../journeys/runtime/timer-pass-over.ts';
import { sendBatch } from '../journeys/test-journey-api.ts';
import type { JourneyChange } from '../storage/journey-store.ts';
import { PartitionedJourneys } from './partitioned-journeys.ts';

/** Scale-out: a run timer that fails every time must not hold back the partition's other timers. */
describe('partitioned journeys, a timer that keeps failing', () => {
  let t: TestGodwit;
  before(async () => {
    t = await startTestGodwit();
    await driveByHand(t);
  });
  after(() => t.close());

  it('is postponed by an hour with an error in the log; the other due timers fire', async () => {
    await goLive(t, {
      id: 'follow_up',
      trigger: { event: 'Demo Booked' },
      start: 'wait',
      nodes: { wait: { type: 'wait', duration: '1h', next: 'done' }, done: { type: 'exit' } },
    });
    const users = ['kai', 'lee', 'max', 'ned'];
    await sendBatch(
      t,
      users.map((userId) => ({ type: 'track', userId, event: 'Demo Booked' })),
    );
    await t.godwit.runtime.processEvents();
    const { store } = t.godwit;
    const ids = await Promise.all(users.map((u) => t.godwit.customers.resolveId(t.workspaceId, u, 'user_id')));
    const bad = ids[1] as string;
    let faulty = true;
    const refuses = (change: JourneyChange) =>
      faulty && change.runs.some((r) => r.state.customerId === bad && r.state.status === 'finished');
    const { logger, errors } = errorLog();
    let now = Date.now() + 3_600_000 + 60_000;
    // One partition, so every customer's timer is in one batch with the failing one.
    const bus = new InProcessBus({ partitions: 1 });
    const worker = new PartitionedJourneys({
      store: refusingStore(store, refuses),
      bus,
      definitions: new JourneyDefinitions(store.journeys),
      clock: { now: () => now },
      owner: 'partition-timers-test',
      logger,
      maxAttempts: 2,
      concurrency: 1,
      retryDelayMs: 10,
    });
    const statuses = async () => {
      const runs = await store.journeys.listRuns({ workspaceId: t.workspaceId, journeyId: 'follow_up', limit: 10 });
      return new Map(runs.map((r) => [r.customerId, r.status]));
    };
    const until = async (done: (s: Map<string, string>) => boolean) => {
      for (let i = 0; i < 400 && !done(await statuses()); i++) await new Promise((r) => setTimeout(r, 25));
      return statuses();
    };
    await worker.start();
    try {
      const fired = await until((s) => [...s.values()].filter((v) => v === 'finished').length === 3);
      assert.deepEqual(
        ids.map((id) => fired.get(id)),
        ['finished', 'waiting', 'finished', 'finished'],
      );
      assert.deepEqual(errors, [
        'journeys postponed a timer by an hour after 2 failed attempts on its own; the other timers went on',
      ]);
      const [left] = (await store.journeys.dueTimers(now + 2 * POSTPONE_FAILING_TIMER_MS, 100)).filter(
        (timer) => timer.workspaceId === t.workspaceId,
      );
      assert.equal(left?.customerId, bad);
      assert.ok(left.dueAt > now && left.dueAt <= now + POSTPONE_FAILING_TIMER_MS);
      faulty = false;
      now += POSTPONE_FAILING_TIMER_MS;
      assert.equal((await until((s) => s.get(bad) === 'finished')).get(bad), 'finished');
    } finally {
      await worker.stop();
      await bus.close();
    }
  });
});
