import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryOutcome } from '../storage/delivery-store.ts';
import { OutcomeWriter } from './outcome-writer.ts';

const outcome = (n: number) => ({ idempotencyKey: `k${n}` }) as DeliveryOutcome;
const keys = (writes: (readonly DeliveryOutcome[])[]) => writes.map((w) => w.map((o) => o.idempotencyKey));

describe('outcome writer', () => {
  it('writes once enough have finished, one write at a time, and the rest on flush', async () => {
    const writes: (readonly DeliveryOutcome[])[] = [];
    let release = () => {};
    const writer = new OutcomeWriter<DeliveryOutcome>(
      async (outcomes) => {
        writes.push(outcomes);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      { minimum: 2, maxWaitMs: 60_000 },
    );
    writer.add(outcome(1));
    assert.equal(writes.length, 0, 'one is fewer than the minimum');
    writer.add(outcome(2));
    assert.deepEqual(keys(writes), [['k1', 'k2']]);
    for (const n of [3, 4, 5]) writer.add(outcome(n));
    assert.equal(writes.length, 1, 'those finishing during a write wait for it');
    release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      keys(writes),
      [
        ['k1', 'k2'],
        ['k3', 'k4', 'k5'],
      ],
      'then go together',
    );
    writer.add(outcome(6));
    const flushed = writer.flush();
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await flushed;
    assert.deepEqual(keys(writes), [['k1', 'k2'], ['k3', 'k4', 'k5'], ['k6']]);
  });

  it('goes on writing after a failed write, and reports it on flush', async () => {
    const writes: (readonly DeliveryOutcome[])[] = [];
    const writer = new OutcomeWriter<DeliveryOutcome>(
      async (outcomes) => {
        writes.push(outcomes);
        throw new Error('disk full');
      },
      { minimum: 1, maxWaitMs: 60_000 },
    );
    writer.add(outcome(1));
    await new Promise((resolve) => setImmediate(resolve));
    writer.add(outcome(2));
    await assert.rejects(writer.flush(), /disk full/);
    assert.deepEqual(keys(writes), [['k1'], ['k2']]);
  });

  it('writes fewer than the minimum once the oldest has waited long enough', async () => {
    const writes: (readonly DeliveryOutcome[])[] = [];
    const writer = new OutcomeWriter<DeliveryOutcome>(async (outcomes) => void writes.push(outcomes), {
      minimum: 16,
      maxWaitMs: 20,
    });
    writer.add(outcome(1));
    writer.add(outcome(2));
    assert.equal(writes.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(keys(writes), [['k1', 'k2']]);
    await writer.flush();
    assert.equal(writes.length, 1, 'nothing left to write');
  });

  it('writes outcomes that are not urgent only with urgent ones or on flush', async () => {
    const writes: (readonly DeliveryOutcome[])[] = [];
    const writer = new OutcomeWriter<DeliveryOutcome>(async (outcomes) => void writes.push(outcomes), {
      minimum: 2,
      maxWaitMs: 20,
    });
    for (const n of [1, 2, 3]) writer.add(outcome(n), false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(writes.length, 0, 'a provider that dedupes is simply asked again after a crash');
    writer.add(outcome(4));
    writer.add(outcome(5));
    assert.deepEqual(keys(writes), [['k1', 'k2', 'k3', 'k4', 'k5']], 'they ride along with urgent ones');
    writer.add(outcome(6), false);
    await writer.flush();
    assert.deepEqual(keys(writes), [['k1', 'k2', 'k3', 'k4', 'k5'], ['k6']]);
  });
});
