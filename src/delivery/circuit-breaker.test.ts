import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from './circuit-breaker.ts';

const options = { failureThreshold: 3, openMs: 1_000, maxOpenMs: 3_000 };

describe('circuit breaker', () => {
  it('opens after consecutive transient failures, and a success in between resets the count', () => {
    const breaker = new CircuitBreaker(options);
    breaker.failure(0);
    breaker.failure(0);
    breaker.success();
    breaker.failure(0);
    breaker.failure(0);
    assert.equal(breaker.state(0), 'closed');
    breaker.failure(10);
    assert.equal(breaker.state(10), 'open');
    assert.deepEqual(breaker.allow(500), { allowed: false, retryAt: 1_010 });
  });

  it('lets one probe through when half-open; its success closes the circuit', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.failure(0);
    assert.equal(breaker.state(1_000), 'half_open');
    assert.deepEqual(breaker.allow(1_000), { allowed: true });
    assert.deepEqual(breaker.allow(1_001), { allowed: false, retryAt: 2_000 });
    breaker.success();
    assert.equal(breaker.state(1_002), 'closed');
    assert.deepEqual(breaker.allow(1_002), { allowed: true });
    assert.deepEqual(breaker.allow(1_002), { allowed: true });
  });

  it('re-opens for twice as long when the probe fails, up to maxOpenMs', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.failure(0);
    assert.deepEqual(breaker.allow(1_000), { allowed: true });
    breaker.failure(1_000);
    assert.equal(breaker.state(2_999), 'open');
    assert.equal(breaker.state(3_000), 'half_open');
    assert.deepEqual(breaker.allow(3_000), { allowed: true });
    breaker.failure(3_000);
    assert.deepEqual(breaker.allow(5_999), { allowed: false, retryAt: 6_000 });
    assert.deepEqual(breaker.allow(6_000), { allowed: true });
    breaker.failure(6_000);
    // Capped: 3 s, not 8 s.
    assert.equal(breaker.state(9_000), 'half_open');
  });

  it('while the probe is out, others wait only a moment, so a good probe frees the backlog at once', () => {
    const breaker = new CircuitBreaker({ ...options, openMs: 10_000, probeWaitMs: 500 });
    for (let i = 0; i < 3; i++) breaker.failure(0);
    assert.deepEqual(breaker.allow(10_000), { allowed: true });
    assert.deepEqual(breaker.allow(10_001), { allowed: false, retryAt: 10_501 });
    // Never later than the probe's own period.
    assert.deepEqual(breaker.allow(19_800), { allowed: false, retryAt: 20_000 });
  });

  it('lets another probe through when the first never answered', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.failure(0);
    assert.deepEqual(breaker.allow(1_000), { allowed: true });
    assert.equal(breaker.allow(1_999).allowed, false);
    assert.deepEqual(breaker.allow(2_000), { allowed: true });
  });
});
