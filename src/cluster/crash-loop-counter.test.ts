import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storeAdapters } from '../storage/test-store-adapters.ts';
import { countTry } from './crash-loop-counter.ts';

for (const adapter of storeAdapters) {
  describe(`crash-loop counter (${adapter.name})`, () => {
    it('counts owners in a row that started on the same event; another event starts again at 1', async () => {
      const { store, dispose } = await adapter.open();
      try {
        const attempt = (owner: string, seq: number) =>
          countTry({ store, name: 'journeys:p3:tries', owner, now: Date.now(), leaseMs: 5_000, seq });
        assert.equal(await attempt('worker-a', 41), 1);
        assert.equal(await attempt('worker-b', 41), 2);
        assert.equal(await attempt('worker-c', 41), 3);
        assert.equal(await attempt('worker-a', 57), 1, 'the partition moved on: a new event');
        assert.equal(await attempt('worker-b', 57), 2);
        assert.equal(await store.readCursor('journeys:p4:tries'), 0, 'partitions are counted apart');
      } finally {
        await store.close();
        await dispose();
      }
    });
  });
}
