import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addCustomer, openTestStore, WS } from '../../delivery/test-delivery.ts';
import { ManualClock } from '../../shared/clock.ts';
import type { JourneyChange } from '../../storage/journey-store.ts';
import type { Store } from '../../storage/store.ts';
import { parseJourney } from '../journey-schema.ts';
import { JourneyRuntime } from './journey-runtime.ts';

/** Delivery is woken by `onCommitted` after a change with sends commits, not by polling. */
describe('journey runtime onCommitted', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  before(async () => {
    ({ store, dispose } = await openTestStore());
    await addCustomer(store, 'c1', 'u1');
  });
  after(() => dispose());

  async function goLive(id: string, nodes: Record<string, unknown>, start: string): Promise<void> {
    const parsed = parseJourney({ id, name: id, status: 'live', trigger: { type: 'api' }, start, nodes, version: 1 });
    if (!parsed.ok) throw new Error('invalid test journey');
    await store.journeys.saveJourney(
      { workspaceId: WS, id, name: id, status: 'live', latestVersion: 1, createdAt: 1, updatedAt: 1 },
      { workspaceId: WS, journeyId: id, version: 1, definition: parsed.journey, createdAt: 1 },
    );
  }

  it('is called once the change with outbox entries is committed, and not for changes without any', async () => {
    await goLive(
      'hello',
      { send: { type: 'send', template: 'hi', channel: 'in_app', next: 'done' }, done: { type: 'exit' } },
      'send',
    );
    await goLive('quiet', { wait: { type: 'wait', duration: '1d', next: 'done' }, done: { type: 'exit' } }, 'wait');
    const committed: JourneyChange[] = [];
    const seenInStore: number[] = [];
    const runtime = new JourneyRuntime({
      store,
      clock: new ManualClock(Date.UTC(2026, 0, 1)),
      owner: 'test',
      profiledUpTo: async () => 0,
      onCommitted: (change) => {
        committed.push(change);
        void store.delivery.countByStatus(WS).then((counts) => seenInStore.push(counts.pending ?? 0));
      },
    });
    assert.deepEqual(await runtime.trigger(WS, 'quiet', { customerId: 'c1', properties: {} }), {
      entered: true,
      runId: (await store.journeys.listRuns({ workspaceId: WS, limit: 1 }))[0]?.runId,
    });
    assert.equal(committed.length, 0);
    const started = await runtime.trigger(WS, 'hello', { customerId: 'c1', properties: {} });
    assert.equal(started.entered, true);
    assert.equal(committed.length, 1);
    assert.equal(committed[0]?.outbox.length, 1);
    assert.equal(committed[0]?.outbox[0]?.channel, 'in_app');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(seenInStore, [1]);
    await runtime.stop();
  });
});
