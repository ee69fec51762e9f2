import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor as waitForValue } from '../shared/test-wait-for.ts';
import type { BatchHandler, BusMessage, Delivery, Outcome } from './bus.ts';
import { partitionOf } from './bus.ts';
import { busAdapters, type OpenedBus } from './test-bus-adapters.ts';

const decoder = new TextDecoder();
const text = (d: Delivery) => decoder.decode(d.payload);
const message = (key: string, n: number): BusMessage => ({ key, id: `${key}#${n}`, payload: `${key}:${n}` });
/** Short leases so failover cases take about a second. */
const LEASE_MS = 900;

/** The bus tests' own patience: 10 s unless a test says otherwise. */
const waitFor = (what: string, condition: () => boolean, timeoutMs = 10_000) =>
  waitForValue(what, condition, timeoutMs);

/** A handler that records every delivery and acks, unless `decide` says otherwise. */
function recorder(decide?: (d: Delivery) => Outcome) {
  const seen: Delivery[] = [];
  const handler: BatchHandler = async (batch) => {
    seen.push(...batch);
    return batch.map((d) => decide?.(d) ?? { type: 'ack' });
  };
  return { seen, handler };
}

async function withBus(
  adapter: (typeof busAdapters)[number],
  options: Parameters<(typeof busAdapters)[number]['open']>[0],
  body: (opened: OpenedBus) => Promise<void>,
): Promise<void> {
  const opened = await adapter.open(options);
  try {
    await body(opened);
  } finally {
    await opened.dispose();
  }
}

describe('partitionOf', () => {
  it('is 32-bit FNV-1a of the UTF-8 key modulo the partition count, pinned', () => {
    // FNV-1a("") = 0x811c9dc5 and FNV-1a("a") = 0xe40c292c, the published test vectors.
    assert.equal(partitionOf('', 2 ** 31), 0x811c9dc5 % 2 ** 31);
    assert.equal(partitionOf('a', 2 ** 31), 0xe40c292c % 2 ** 31);
    assert.deepEqual(
      ['user-1', 'ada@example.com', '顾客-42', 'a'].map((k) => partitionOf(k, 16)),
      [4, 2, 11, 12],
    );
  });

  it('spreads keys evenly', () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[partitionOf(`user-${i}`, 16)]++;
    for (const count of counts) assert.ok(count > 800 && count < 1200, `uneven spread: ${counts}`);
  });
});

for (const adapter of busAdapters) {
  describe(`Bus contract: ${adapter.name}`, () => {
    it('delivers each key in publish order, every message once', async () => {
      await withBus(adapter, { partitions: 4 }, async ({ bus }) => {
        const keys = Array.from({ length: 10 }, (_, i) => `customer-${i}`);
        for (let round = 0; round < 6; round++) {
          await bus.publish(keys.flatMap((key) => [0, 1, 2, 3, 4].map((i) => message(key, round * 5 + i))));
        }
        const { seen, handler } = recorder();
        const sub = await bus.consume({ group: 'order', handler, batchSize: 7 });
        await waitFor('300 deliveries', () => seen.length >= 300);
        await sleep(100);
        await sub.close();
        assert.equal(seen.length, 300);
        for (const key of keys) {
          const numbers = seen.filter((d) => d.key === key).map((d) => Number(text(d).split(':')[1]));
          assert.deepEqual(
            numbers,
            Array.from({ length: 30 }, (_, i) => i),
            `order of ${key}`,
          );
        }
        for (const d of seen) assert.equal(d.partition, partitionOf(d.key, bus.partitions));
        for (let p = 0; p < 4; p++) {
          const positions = seen.filter((d) => d.partition === p).map((d) => d.position);
          assert.deepEqual(
            positions,
            [...positions].sort((a, b) => a - b),
            `positions of partition ${p}`,
          );
        }
      });
    });

    it('stores an id once within the dedupe window and again after it', async () => {
      await withBus(adapter, { partitions: 2, dedupeWindowMs: 1_000 }, async ({ bus }) => {
        await bus.publish([message('k', 1), message('k', 2), message('k', 1)]);
        await bus.publish([message('k', 2), message('k', 3)]);
        const { seen, handler } = recorder();
        const sub = await bus.consume({ group: 'dedupe', handler });
        await waitFor('3 deliveries', () => seen.length >= 3);
        await sleep(300);
        assert.deepEqual(seen.map(text), ['k:1', 'k:2', 'k:3']);
        await sleep(1_500);
        await bus.publish([message('k', 1)]);
        await waitFor('the id again after the window', () => seen.length >= 4);
        assert.deepEqual(seen.map(text), ['k:1', 'k:2', 'k:3', 'k:1']);
        await sub.close();
      });
    });

    it('never delivers an acked message to the group again, and each group gets its own copy', async () => {
      await withBus(adapter, { partitions: 2 }, async ({ bus }) => {
        await bus.publish(Array.from({ length: 20 }, (_, i) => message(`c${i % 3}`, i)));
        const first = recorder();
        const sub = await bus.consume({ group: 'acks', handler: first.handler, leaseMs: LEASE_MS });
        await waitFor('20 deliveries', () => first.seen.length >= 20);
        await sub.close();
        // A new owner of the same group starts from what was acked: nothing old comes back.
        const second = recorder();
        const again = await bus.consume({ group: 'acks', handler: second.handler, leaseMs: LEASE_MS });
        await bus.publish([message('c0', 100)]);
        await waitFor('the new message', () => second.seen.length >= 1);
        await sleep(300);
        assert.deepEqual(second.seen.map(text), ['c0:100']);
        const other = recorder();
        const otherSub = await bus.consume({ group: 'other', handler: other.handler });
        await waitFor('the other group', () => other.seen.length >= 21);
        await Promise.all([again.close(), otherSub.close()]);
      });
    });

    it('redelivers what a worker held when it died, in order, to the next owner', async () => {
      await withBus(adapter, { partitions: 2 }, async ({ bus, connect }) => {
        const doomed = await connect();
        let heldBatch: readonly Delivery[] = [];
        const hang: BatchHandler = (batch) => {
          heldBatch = batch;
          return new Promise(() => {}); // dies mid-batch: never settles
        };
        const dying = await doomed.consume({ group: 'death', handler: hang, leaseMs: LEASE_MS, batchSize: 5 });
        await bus.publish(Array.from({ length: 12 }, (_, i) => message('solo', i)));
        await waitFor('a batch in hand', () => heldBatch.length > 0);
        await dying.close({ timeoutMs: 0 }); // gone without acking or releasing
        await doomed.close();
        const { seen, handler: record } = recorder();
        const heirEpochs = new Set<number>();
        const handler: BatchHandler = (batch, context) => {
          heirEpochs.add(context.epoch);
          return record(batch, context);
        };
        const startedAt = Date.now();
        const heir = await bus.consume({ group: 'death', handler, leaseMs: LEASE_MS });
        await waitFor('all 12 at the heir', () => seen.length >= 12, 10_000);
        const numbers = seen.map((d) => Number(text(d).split(':')[1]));
        assert.deepEqual(
          numbers,
          Array.from({ length: 12 }, (_, i) => i),
        );
        assert.ok(Date.now() - startedAt < LEASE_MS * 4, 'took over within a few leases');
        assert.ok(heirEpochs.size > 0 && [...heirEpochs].every((e) => e > 1), 'the heir works under a newer epoch');
        await heir.close();
      });
    });

    it('redelivers a nak after its delay, counting the attempt', async () => {
      await withBus(adapter, { partitions: 2 }, async ({ bus }) => {
        const times = new Map<string, number[]>();
        const { seen, handler } = recorder((d) => {
          times.set(text(d), [...(times.get(text(d)) ?? []), Date.now()]);
          return text(d) === 'k:1' && d.attempt === 1 ? { type: 'nak', delayMs: 600 } : { type: 'ack' };
        });
        const sub = await bus.consume({ group: 'nak', handler });
        await bus.publish([message('k', 0), message('k', 1), message('k', 2)]);
        await waitFor('the retry', () => seen.length >= 4);
        const [first, second] = times.get('k:1') as number[];
        assert.ok(
          (second as number) - (first as number) >= 550,
          `retried after ${(second as number) - (first as number)} ms`,
        );
        assert.deepEqual(
          seen.filter((d) => text(d) === 'k:1').map((d) => d.attempt),
          [1, 2],
        );
        await sleep(200);
        assert.equal(seen.length, 4, 'acked messages are not redelivered');
        await sub.close();
      });
    });

    it('dead-letters a message after maxAttempts naks, and at once on term', async () => {
      await withBus(adapter, { partitions: 2 }, async ({ bus }) => {
        const { seen, handler } = recorder((d) => {
          if (text(d) === 'p:1') return { type: 'nak', delayMs: 20 };
          if (text(d) === 'p:2') return { type: 'term', reason: 'unparseable' };
          return { type: 'ack' };
        });
        const sub = await bus.consume({ group: 'dlq', handler, maxAttempts: 3 });
        await bus.publish([message('p', 0), message('p', 1), message('p', 2), message('p', 3)]);
        await waitFor('two dead letters', () => seen.filter((d) => text(d) === 'p:1').length >= 3);
        await sleep(300);
        assert.equal(seen.filter((d) => text(d) === 'p:1').length, 3, 'no fourth attempt');
        assert.equal(seen.filter((d) => text(d) === 'p:2').length, 1);
        const letters = await bus.deadLetters('dlq');
        const summary = letters.map((l) => ({
          id: l.id,
          key: l.key,
          attempts: l.attempts,
          payload: decoder.decode(l.payload),
        }));
        assert.deepEqual(
          summary.sort((a, b) => a.id.localeCompare(b.id)),
          [
            { id: 'p#1', key: 'p', attempts: 3, payload: 'p:1' },
            { id: 'p#2', key: 'p', attempts: 1, payload: 'p:2' },
          ],
        );
        assert.match(letters.find((l) => l.id === 'p#2')?.reason ?? '', /unparseable/);
        assert.deepEqual(await bus.deadLetters('another-group'), []);
        await sub.close();
      });
    });

    it('naks the whole batch when the handler throws, and retries it', async () => {
      await withBus(adapter, { partitions: 1 }, async ({ bus }) => {
        let calls = 0;
        const seen: Delivery[] = [];
        const sub = await bus.consume({
          group: 'throws',
          retryDelayMs: 50,
          handler: async (batch) => {
            if (calls++ === 0) throw new Error('transient');
            seen.push(...batch);
            return undefined;
          },
        });
        await bus.publish([message('t', 0), message('t', 1)]);
        await waitFor('the retried batch', () => seen.length >= 2);
        assert.deepEqual(seen.map(text), ['t:0', 't:1']);
        assert.deepEqual(await bus.deadLetters('throws'), []);
        await sub.close();
      });
    });

    it('never lets two consumers of a group work one partition at once, through joins and leaves', async () => {
      await withBus(adapter, { partitions: 6 }, async ({ bus, connect }) => {
        const active = new Map<number, number>();
        let overlaps = 0;
        const handled = new Map<string, number>();
        const byConsumer = [0, 0, 0];
        const handlerFor =
          (index: number): BatchHandler =>
          async (batch, { partition }) => {
            const now = (active.get(partition) ?? 0) + 1;
            active.set(partition, now);
            if (now > 1) overlaps++;
            await sleep(5);
            active.set(partition, (active.get(partition) ?? 1) - 1);
            for (const d of batch) handled.set(d.id, (handled.get(d.id) ?? 0) + 1);
            byConsumer[index] = (byConsumer[index] ?? 0) + batch.length;
            return undefined;
          };
        const workers = [bus, await connect(), await connect()];
        const common = { group: 'pool', leaseMs: LEASE_MS, batchSize: 10 };
        const a = await workers[0]?.consume({ ...common, handler: handlerFor(0) });
        const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
        const publishRound = (round: number) => bus.publish(keys.map((k) => message(k, round)));
        await publishRound(0);
        const b = await workers[1]?.consume({ ...common, handler: handlerFor(1) });
        for (let round = 1; round < 10; round++) await publishRound(round);
        await waitFor('a share for the second consumer', () => (b?.owned().length ?? 0) >= 3, 5_000);
        const c = await workers[2]?.consume({ ...common, handler: handlerFor(2) });
        for (let round = 10; round < 20; round++) await publishRound(round);
        await a?.close();
        for (let round = 20; round < 30; round++) await publishRound(round);
        await waitFor('every message', () => handled.size >= 60 * 30, 20_000);
        assert.equal(overlaps, 0, 'a partition was worked by two consumers at once');
        assert.ok((byConsumer[1] ?? 0) > 0 && (byConsumer[2] ?? 0) > 0, `work spread over consumers: ${byConsumer}`);
        const owned = [...(b?.owned() ?? []), ...(c?.owned() ?? [])].sort();
        assert.deepEqual(owned, [0, 1, 2, 3, 4, 5], 'the leaver released its partitions to the others');
        await Promise.all([b?.close(), c?.close()]);
      });
    });
  });
}
