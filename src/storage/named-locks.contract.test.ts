import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachStore } from './test-store-adapters.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `work` settles to, or `late` if it takes longer than `ms`. */
async function within<T>(work: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A promise the test settles when it chooses. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describeEachStore('named locks contract', (t) => {
  it('never lets two holders of one name overlap, and hands each its own result', async () => {
    let inside = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.store.locks.withLock('contract:one', async () => {
          inside++;
          most = Math.max(most, inside);
          // Work through the store while holding, as a reference check does.
          await t.store.listWorkspaces();
          await sleep(i % 3);
          inside--;
          return i;
        }),
      ),
    );
    assert.equal(most, 1);
    assert.deepEqual(
      results,
      Array.from({ length: 12 }, (_, i) => i),
    );
  });

  it('releases the lock when the holder throws', async () => {
    await assert.rejects(
      t.store.locks.withLock('contract:throws', async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    const next = await within(
      t.store.locks.withLock('contract:throws', async () => 'taken'),
      5_000,
      'still held',
    );
    assert.equal(next, 'taken');
  });

  it('keeps names apart: a held name does not block another', async () => {
    const held = gate();
    const entered = gate();
    const holding = t.store.locks.withLock('contract:a', async () => {
      entered.open();
      await held.opened;
    });
    await entered.opened;
    const other = await within(
      t.store.locks.withLock('contract:b', async () => 'ran'),
      5_000,
      'blocked',
    );
    assert.equal(other, 'ran');
    // The held name itself waits until its holder finishes.
    let second = false;
    const waiting = t.store.locks.withLock('contract:a', async () => {
      second = true;
    });
    await sleep(50);
    assert.equal(second, false, 'a second holder of the held name waits');
    held.open();
    await Promise.all([holding, waiting]);
    assert.equal(second, true);
  });
});
