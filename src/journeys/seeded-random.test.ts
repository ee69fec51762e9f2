import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickWeighted, seededRandom, seedOf } from './seeded-random.ts';

describe('seeded random', () => {
  it('repeats its sequence for a seed, stays in [0, 1), and differs between seeds', () => {
    const draws = (seed: number) => Array.from({ length: 1000 }, seededRandom(seed));
    assert.deepEqual(draws(42), draws(42));
    assert.notDeepEqual(draws(42), draws(43));
    assert.ok(draws(42).every((x) => x >= 0 && x < 1));
    const mean = draws(42).reduce((a, b) => a + b, 0) / 1000;
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  });

  it('derives seeds from text', () => {
    assert.equal(seedOf('run1:3'), seedOf('run1:3'));
    assert.notEqual(seedOf('run1:3'), seedOf('run1:4'));
  });

  it('picks by weight over the whole range of draws', () => {
    const items = [
      { name: 'a', weight: 3 },
      { name: 'b', weight: 1 },
    ];
    assert.equal(pickWeighted(items, 0).name, 'a');
    assert.equal(pickWeighted(items, 0.7499).name, 'a');
    assert.equal(pickWeighted(items, 0.75).name, 'b');
    assert.equal(pickWeighted(items, 0.9999999).name, 'b');
    assert.throws(() => pickWeighted([], 0.5));
  });
});
