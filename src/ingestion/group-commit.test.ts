import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit } from './group-commit.ts';

describe('group commit', () => {
  it('writes the items of concurrent callers in one transaction and answers each after it commits', async () => {
    const writes: number[][] = [];
    let committed = false;
    const commit = new GroupCommit<number>(
      async (items) => {
        writes.push(items);
        await new Promise((resolve) => setTimeout(resolve, 5));
        committed = true;
      },
      { concurrency: 1, maxItems: 100 },
    );
    await Promise.all([
      commit.submit([1, 2]).then(() => assert.ok(committed, 'resolved only after the write finished')),
      commit.submit([3]),
      commit.submit([4, 5]),
    ]);
    assert.deepEqual(writes, [[1, 2, 3, 4, 5]]);
  });

  it('splits at maxItems and never runs more writes at once than allowed', async () => {
    let running = 0;
    let peak = 0;
    const sizes: number[] = [];
    const commit = new GroupCommit<number>(
      async (items) => {
        running += 1;
        peak = Math.max(peak, running);
        sizes.push(items.length);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running -= 1;
      },
      { concurrency: 2, maxItems: 10 },
    );
    await Promise.all(Array.from({ length: 9 }, () => commit.submit([1, 2, 3, 4])));
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      36,
    );
    assert.ok(
      sizes.every((n) => n <= 10),
      `batches ${sizes}`,
    );
    assert.equal(peak, 2);
  });

  it('fails every caller of a failed transaction, and keeps serving the next ones', async () => {
    let fail = true;
    const commit = new GroupCommit<string>(
      async () => {
        if (fail) throw new Error('disk full');
      },
      { concurrency: 1, maxItems: 100 },
    );
    const results = await Promise.allSettled([commit.submit(['a']), commit.submit(['b'])]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    fail = false;
    await commit.submit(['c']);
  });
});
