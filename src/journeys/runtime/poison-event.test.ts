import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import type { JourneyChange } from '../../storage/journey-store.ts';
import { sendBatch } from '../test-journey-api.ts';
import { JOURNEY_CURSOR, JourneyRuntime } from './journey-runtime.ts';
import { driveByHand, errorLog, goLive, refusingStore } from './test-runtime.ts';
import { POSTPONE_FAILING_TIMER_MS } from './timer-pass-over.ts';

/**
 * One event that fails every time (a bug meeting its data) must not hold back the others: the batch is
 * taken one event at a time and that event alone is passed over, with an error in the log.
 */
describe('an event that keeps failing in the journey runtime', () => {
  let t: TestGodwit;
  before(async () => {
    t = await startTestGodwit();
    await driveByHand(t);
  });
  after(() => t.close());

  it('is passed over after its tries; the events before and after it start their runs', async () => {
    await goLive(t, {
      id: 'greet',
      trigger: { event: 'Signed Up' },
      start: 'wait',
      nodes: { wait: { type: 'wait', duration: '1d', next: 'done' }, done: { type: 'exit' } },
    });
    await sendBatch(
      t,
      ['ann', 'bad', 'cid'].flatMap((userId) => [
        { type: 'identify', userId, traits: { email: `${userId}@example.com` } },
        { type: 'track', userId, event: 'Signed Up' },
      ]),
    );
    const store = t.godwit.store;
    const bad = await t.godwit.customers.resolveId(t.workspaceId, 'bad', 'user_id');
    // The fault: committing anything that starts a run for `bad` fails, whatever the batch.
    let refused = 0;
    const refuses = (change: JourneyChange) => change.runs.some((r) => r.state.customerId === bad) && ++refused > 0;
    const { logger, errors } = errorLog();
    const runtime = new JourneyRuntime({
      store: refusingStore(store, refuses),
      clock: { now: () => Date.now() },
      owner: 'poison-test',
      profiledUpTo: () => store.lastEventSeq(),
      logger,
      maxAttempts: 2,
      retryDelayMs: 10,
    });
    await runtime.processEvents();
    const runs = await store.journeys.listRuns({ workspaceId: t.workspaceId, journeyId: 'greet', limit: 10 });
    const customers = new Set(runs.map((r) => r.customerId));
    assert.equal(customers.size, 2, 'ann and cid started');
    assert.ok(!customers.has(bad));
    assert.equal(refused, 4, 'twice as the whole batch, twice alone');
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^journeys passed over event \d+ after 2 failed attempts/);
    assert.equal(await store.readCursor(JOURNEY_CURSOR), await store.lastEventSeq(), 'the cursor is past every event');
    await runtime.stop();
  });

  it('a timer that keeps failing is postponed by an hour; the other due timers fire', async () => {
    await goLive(t, {
      id: 'nudge',
      trigger: { event: 'Trial Started' },
      start: 'wait',
      nodes: { wait: { type: 'wait', duration: '1d', next: 'done' }, done: { type: 'exit' } },
    });
    await sendBatch(
      t,
      ['dee', 'eve', 'fay'].map((userId) => ({ type: 'track', userId, event: 'Trial Started' })),
    );
    const store = t.godwit.store;
    const eve = await t.godwit.customers.resolveId(t.workspaceId, 'eve', 'user_id');
    // The fault: committing eve's run as it leaves the wait fails, whatever the batch.
    let faulty = true;
    const refuses = (change: JourneyChange) =>
      faulty && change.runs.some((r) => r.state.customerId === eve && r.state.status === 'finished');
    const { logger, errors } = errorLog();
    let now = Date.now();
    const runtime = new JourneyRuntime({
      store: refusingStore(store, refuses),
      clock: { now: () => now },
      owner: 'poison-timer-test',
      profiledUpTo: () => store.lastEventSeq(),
      logger,
      maxAttempts: 2,
      retryDelayMs: 10,
    });
    await runtime.processEvents();
    const statuses = async () => {
      const runs = await store.journeys.listRuns({ workspaceId: t.workspaceId, journeyId: 'nudge', limit: 10 });
      return new Map(runs.map((r) => [r.customerId, r.status]));
    };
    now += 86_400_000 + 60_000;
    await runtime.fireDueTimers();
    const dee = await t.godwit.customers.resolveId(t.workspaceId, 'dee', 'user_id');
    const fay = await t.godwit.customers.resolveId(t.workspaceId, 'fay', 'user_id');
    const after = await statuses();
    assert.equal(after.get(dee), 'finished');
    assert.equal(after.get(fay), 'finished');
    assert.equal(after.get(eve), 'waiting');
    assert.deepEqual(errors, [
      'journeys postponed a timer by an hour after 2 failed attempts on its own; the other timers went on',
    ]);
    const left = (await store.journeys.dueTimers(now + 2 * POSTPONE_FAILING_TIMER_MS, 100)).filter(
      (timer) => timer.workspaceId === t.workspaceId,
    );
    assert.deepEqual(
      left.map((timer) => [timer.customerId, timer.dueAt]),
      [[eve, now + POSTPONE_FAILING_TIMER_MS]],
    );
    // Mended: it fires when due again, and only then.
    faulty = false;
    await runtime.fireDueTimers();
    assert.equal((await statuses()).get(eve), 'waiting');
    now += POSTPONE_FAILING_TIMER_MS;
    await runtime.fireDueTimers();
    assert.equal((await statuses()).get(eve), 'finished');
    await runtime.stop();
  });

  it('a trigger timer that keeps failing is postponed by an hour; the other customers start', async () => {
    let now = Date.UTC(2031, 0, 10, 12);
    const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 10);
    const renewsOn = day(3);
    await goLive(t, {
      id: 'renewal',
      trigger: { type: 'date_trait', trait: 'renews_on', when: 'before', days: 1, at: '09:00' },
      start: 'done',
      nodes: { done: { type: 'exit' } },
    });
    await sendBatch(
      t,
      ['gus', 'hal', 'ivy'].map((userId) => ({
        type: 'identify',
        userId,
        traits: { timezone: 'UTC', renews_on: renewsOn },
      })),
    );
    const store = t.godwit.store;
    const hal = await t.godwit.customers.resolveId(t.workspaceId, 'hal', 'user_id');
    let faulty = true;
    const refuses = (change: JourneyChange) => faulty && change.runs.some((r) => r.state.customerId === hal);
    const { logger, errors } = errorLog();
    const runtime = new JourneyRuntime({
      store: refusingStore(store, refuses),
      clock: { now: () => now },
      owner: 'poison-trigger-test',
      profiledUpTo: () => store.lastEventSeq(),
      logger,
      maxAttempts: 2,
      retryDelayMs: 10,
    });
    await runtime.processEvents();
    await runtime.fireDueTimers();
    const started = async () => {
      const runs = await store.journeys.listRuns({ workspaceId: t.workspaceId, journeyId: 'renewal', limit: 10 });
      return new Set(runs.map((r) => r.customerId));
    };
    const due = Date.parse(`${day(2)}T09:00:00Z`);
    now = due;
    await runtime.fireDueTimers();
    assert.equal((await started()).size, 2, 'gus and ivy started');
    assert.ok(!(await started()).has(hal));
    assert.deepEqual(errors, [
      'journeys postponed a timer by an hour after 2 failed attempts on its own; the other timers went on',
    ]);
    // Its due time is its occasion, so it stays as it is in the store; the runtime passes it over for an hour.
    const timers = await store.journeys.listTriggerTimers(t.workspaceId, 'renewal');
    assert.deepEqual(
      timers.filter((timer) => timer.customerId !== null).map((timer) => [timer.customerId, timer.dueAt]),
      [[hal, due]],
    );
    faulty = false;
    now = due + POSTPONE_FAILING_TIMER_MS - 60_000;
    await runtime.fireDueTimers();
    assert.ok(!(await started()).has(hal), 'not tried again within the hour');
    now = due + POSTPONE_FAILING_TIMER_MS;
    await runtime.fireDueTimers();
    assert.ok((await started()).has(hal));
    const [run] = await store.journeys.listRuns({
      workspaceId: t.workspaceId,
      journeyId: 'renewal',
      customerId: hal,
      limit: 1,
    });
    const [state] = await store.journeys.getRuns([run?.runId as string]);
    assert.equal(state?.state.trigger.properties.date, renewsOn, 'for the date it was due on');
    await runtime.stop();
  });
});
