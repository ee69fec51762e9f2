import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterFailure, retryDelay } from './retry-policy.ts';

const policy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 5_000 };

describe('retry policy', () => {
  it('draws the delay uniformly under an exponential cap (full jitter), capped at maxDelayMs', () => {
    assert.equal(retryDelay({ policy, attempts: 1, random: 0.5 }), 500);
    assert.equal(retryDelay({ policy, attempts: 2, random: 0.5 }), 1_000);
    assert.equal(retryDelay({ policy, attempts: 3, random: 0.999 }), 3_996);
    assert.equal(retryDelay({ policy, attempts: 10, random: 0.999 }), 4_995);
    assert.equal(retryDelay({ policy, attempts: 3, random: 0 }), 0);
  });

  it("takes the provider's retry-after as a floor", () => {
    assert.equal(retryDelay({ policy, attempts: 1, random: 0.5, retryAfterMs: 30_000 }), 30_000);
    assert.equal(retryDelay({ policy, attempts: 3, random: 0.9, retryAfterMs: 10 }), 3_600);
  });

  it('retries transient failures until attempts run out, never permanent ones', () => {
    const base = { policy, now: 10_000, random: 0.5 };
    assert.deepEqual(afterFailure({ ...base, attempts: 1, kind: 'transient' }), { next: 'retry', at: 10_500 });
    assert.deepEqual(afterFailure({ ...base, attempts: 3, kind: 'transient' }), { next: 'retry', at: 12_000 });
    assert.deepEqual(afterFailure({ ...base, attempts: 4, kind: 'transient' }), { next: 'dead' });
    assert.deepEqual(afterFailure({ ...base, attempts: 1, kind: 'permanent' }), { next: 'failed' });
  });
});
