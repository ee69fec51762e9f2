import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import type { JourneyChange } from '../../storage/journey-store.ts';
import type { Store } from '../../storage/store.ts';
import { sendBatch } from '../test-journey-api.ts';
import { JOURNEY_CURSOR, JourneyRuntime } from './journey-runtime.ts';
import { driveByHand, goLive } from './test-runtime.ts';

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
    const journeys = Object.create(store.journeys) as Store['journeys'];
    let refused = 0;
    journeys.applyJourneyChange = (change: JourneyChange) => {
      if (change.runs.some((r) => r.state.customerId === bad)) {
        refused += 1;
        return Promise.reject(new Error('cannot store this run'));
      }
      return store.journeys.applyJourneyChange(change);
    };
    const errors: string[] = [];
    const logger = { warn: () => {}, error: (_: unknown, message: string) => errors.push(message) };
    const runtime = new JourneyRuntime({
      store: Object.create(store, { journeys: { value: journeys } }) as Store,
      clock: { now: () => Date.now() },
      owner: 'poison-test',
      profiledUpTo: () => store.lastEventSeq(),
      logger: logger as never,
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
});
