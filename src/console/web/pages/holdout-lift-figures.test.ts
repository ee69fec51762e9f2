import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liftFormats, liftVerdict } from './holdout-lift-figures.ts';

describe('holdout lift figures', () => {
  it('says the messages made a difference only when the whole interval is on one side of 0', () => {
    assert.equal(liftVerdict({ low: 0.002, high: 0.03 }), 'raised');
    assert.equal(liftVerdict({ low: -0.03, high: -0.002 }), 'lowered');
    assert.equal(liftVerdict({ low: -0.0014, high: 0.0227 }), 'unclear');
    assert.equal(liftVerdict({ low: 0, high: 0.02 }), 'unclear', 'an interval that reaches 0 spans it');
  });

  it('writes rates, points, relative lift and p as the CLI does, in either language', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const f = liftFormats(locale);
      assert.equal(f.rate(0.04538), '4.54%');
      assert.equal(f.rate(1), '100.00%');
      assert.equal(f.holdoutPercent(5), '5%');
      assert.equal(f.holdoutPercent(2.25), '2.25%');
      assert.deepEqual([f.points(0.012), f.points(-0.0014), f.points(0)], ['+1.20', '-0.14', '0.00']);
      assert.equal(f.relative(0.2636), '+26.36%');
      assert.equal(f.relative(12.5), '+1,250.00%');
      assert.deepEqual([f.p(0.0771), f.p(0.0004), f.p(1)], ['0.077', '< 0.001', '1.000']);
    }
  });
});
