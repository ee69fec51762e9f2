import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { erfc, holdoutLift, wilsonInterval } from './holdout-lift.ts';

const close = (actual: number | null | undefined, expected: number, digits = 4) =>
  assert.equal(Number(actual?.toFixed(digits)), Number(expected.toFixed(digits)), `${actual} ≈ ${expected}`);

describe('holdout lift', () => {
  it('gives the Wilson interval of a proportion', () => {
    const [low, high] = wilsonInterval({ converted: 10, customers: 100 });
    close(low, 0.0552);
    close(high, 0.1744);
  });

  it("gives the difference with Newcombe's interval, the relative lift and the z test's p", () => {
    // Newcombe (1998), Statistics in Medicine 17: 873–890, table II, 56/70 against 48/80 (method 10).
    const lift = holdoutLift({ customers: 80, converted: 48 }, { customers: 70, converted: 56 });
    close(lift.difference?.value, 0.2);
    close(lift.difference?.low, 0.0524);
    close(lift.difference?.high, 0.3339);
    close(lift.relativeLift, 0.8 / 0.6 - 1);
    close(lift.pValue, 0.008045);
    assert.deepEqual(lift.holdout, { customers: 80, converted: 48, rate: 0.6 });
  });

  it('says nothing it cannot know: an empty group, a holdout that converted none', () => {
    assert.deepEqual(holdoutLift({ customers: 0, converted: 0 }, { customers: 10, converted: 2 }), {
      holdout: { customers: 0, converted: 0, rate: null },
      treatment: { customers: 10, converted: 2, rate: 0.2 },
      difference: null,
      relativeLift: null,
      pValue: null,
    });
    const none = holdoutLift({ customers: 50, converted: 0 }, { customers: 950, converted: 0 });
    assert.deepEqual([none.relativeLift, none.pValue, none.difference?.value], [null, 1, 0]);
  });

  it('computes erfc as the tables give it', () => {
    close(erfc(0.5), 0.4795001, 6);
    close(erfc(-1.2), 1.910314, 6);
    close(erfc(3), 2.2090497e-5, 10);
  });
});
