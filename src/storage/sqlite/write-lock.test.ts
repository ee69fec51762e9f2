import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { increment } from './test-write-lock-holder.ts';
import { WriteLock } from './write-lock.ts';

const ROUNDS = 100_000;

/** The other thread, ready to start its increments when cell 2 is set; resolves when they are done. */
async function startHolder(lock: SharedArrayBuffer, counter: SharedArrayBuffer): Promise<{ done: Promise<unknown> }> {
  const worker = new Worker(new URL('../../shared/typescript-worker-entry.mjs', import.meta.url), {
    workerData: {
      module: new URL('./test-write-lock-holder.ts', import.meta.url).href,
      data: { lock, counter, rounds: ROUNDS },
    },
  });
  const messages: Promise<unknown>[] = ['ready', 'done'].map(
    (expected) =>
      new Promise((resolve, reject) => {
        worker.on('message', (message) => message === expected && resolve(message));
        worker.once('error', reject);
      }),
  );
  await messages[0];
  return { done: messages[1] as Promise<unknown> };
}

describe('WriteLock', () => {
  it('lets one thread at a time through: no increment is lost between two threads', async () => {
    const lock = new WriteLock();
    const counter = new SharedArrayBuffer(12);
    const cell = new Int32Array(counter);
    const other = await startHolder(lock.buffer, counter);
    Atomics.store(cell, 2, 1);
    Atomics.notify(cell, 2);
    for (let i = 0; i < ROUNDS; i++) lock.hold(() => increment(cell));
    await other.done;
    assert.equal(cell[0], 2 * ROUNDS);
  });

  it('is re-entrant within a thread and free again once the outermost hold ends', () => {
    const lock = new WriteLock();
    const other = new WriteLock(lock.buffer);
    assert.equal(
      lock.hold(() => lock.hold(() => 'nested')),
      'nested',
    );
    assert.equal(
      other.hold(() => 'free'),
      'free',
    );
    assert.throws(() =>
      lock.hold(() => {
        throw new Error('write failed');
      }),
    );
    assert.equal(
      other.hold(() => 'released after a failure'),
      'released after a failure',
    );
  });
});
