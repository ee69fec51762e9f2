import { parentPort, workerData } from 'node:worker_threads';
import { WriteLock } from './write-lock.ts';

/** A read-modify-write with a gap, so two threads without the lock lose updates. */
export function increment(cell: Int32Array): void {
  const seen = cell[0] as number;
  for (let spin = 0; spin < 50; spin++) Atomics.load(cell, 1);
  cell[0] = seen + 1;
}

/**
 * For write-lock.test.ts: once the test sets cell 2 (so both threads run at once), increments the
 * shared counter non-atomically under the lock, `rounds` times.
 */
if (parentPort) {
  const { lock, counter, rounds } = (
    workerData as { data: { lock: SharedArrayBuffer; counter: SharedArrayBuffer; rounds: number } }
  ).data;
  const writeLock = new WriteLock(lock);
  const cell = new Int32Array(counter);
  parentPort.postMessage('ready');
  Atomics.wait(cell, 2, 0);
  for (let i = 0; i < rounds; i++) writeLock.hold(() => increment(cell));
  parentPort.postMessage('done');
}
