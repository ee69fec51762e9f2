import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimerPassOver } from './timer-pass-over.ts';

/** `withRetries` without the waits: up to `maxAttempts` tries, the last error returned. */
async function retrying(attempt: () => Promise<void>, maxAttempts: number) {
  let error: unknown;
  for (let i = 0; i < maxAttempts; i++) {
    try {
      await attempt();
      return { ok: true } as const;
    } catch (e) {
      error = e;
    }
  }
  return { ok: false, error, aborted: false } as const;
}

/** Timers named by letters; `bad` ones fail whenever they are in the batch. Records every batch tried. */
function scenario(bad: Set<string>) {
  const tried: string[] = [];
  const postponed: string[] = [];
  const how = {
    fire: async (timers: readonly string[]) => {
      tried.push(timers.join(''));
      if (timers.some((t) => bad.has(t))) throw new Error('cannot store this run');
    },
    postpone: async (timer: string) => void postponed.push(timer),
    describe: (timer: string) => ({ timer }),
  };
  return { tried, postponed, how };
}

describe('timer pass-over', () => {
  it('fires a batch whole; a failing one goes one at a time, and the next batches too until one goes through', async () => {
    const bad = new Set(['b']);
    const { tried, postponed, how } = scenario(bad);
    const passOver = new TimerPassOver({ retrying, maxAttempts: 3 });
    assert.equal(await passOver.fire(['a', 'c'], how), 2);
    assert.deepEqual(tried, ['ac']);
    tried.length = 0;
    assert.equal(await passOver.fire(['a', 'b', 'c'], how), 3);
    assert.deepEqual(tried, ['abc', 'abc', 'abc', 'a', 'b', 'b', 'c'], 'three whole tries, then two for b alone');
    assert.deepEqual(postponed, ['b']);
    // The same fault would fail the next batch whole as well: it goes one at a time, without the whole tries.
    tried.length = 0;
    bad.add('e');
    assert.equal(await passOver.fire(['d', 'e'], how), 2);
    assert.deepEqual(tried, ['d', 'e', 'e']);
    tried.length = 0;
    assert.equal(await passOver.fire(['f', 'g'], how), 2);
    assert.deepEqual(tried, ['f', 'g'], 'no failure: the batch after goes whole again');
    tried.length = 0;
    await passOver.fire(['h', 'i'], how);
    assert.deepEqual(tried, ['hi']);
  });

  it('hands back after its slice when timers go one at a time, so events get their turn', async () => {
    const { tried, how } = scenario(new Set(['a']));
    let now = 0;
    // Each try takes 4 s.
    const slow = {
      ...how,
      fire: async (timers: readonly string[]) => {
        now += 4_000;
        await how.fire(timers);
      },
    };
    const passOver = new TimerPassOver({ retrying, maxAttempts: 1, aloneSliceMs: 10_000, elapsed: () => now });
    assert.equal(await passOver.fire(['a', 'b', 'c', 'd', 'e'], slow), 3, 'a, b and c within the slice');
    assert.deepEqual(tried, ['abcde', 'a', 'b', 'c']);
  });
});
