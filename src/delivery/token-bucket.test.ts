import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyLimit } from './concurrency-limit.ts';
import { TokenBucket } from './token-bucket.ts';

describe('token bucket', () => {
  it('allows a burst, then books tokens at the rate', () => {
    const bucket = new TokenBucket(10, 2);
    assert.equal(bucket.reserve(0), 0);
    assert.equal(bucket.reserve(0), 0);
    assert.equal(bucket.reserve(0), 100);
    assert.equal(bucket.reserve(0), 200);
    bucket.cancel();
    bucket.cancel();
    // 300 ms later the bucket is full again: the burst, and no more.
    assert.equal(bucket.reserve(300), 0);
    assert.equal(bucket.reserve(300), 0);
    assert.equal(bucket.reserve(300), 100);
  });

  it('never holds more than the burst however long it idles', () => {
    const bucket = new TokenBucket(1, 1);
    assert.equal(bucket.reserve(0), 0);
    assert.equal(bucket.reserve(60_000), 0);
    assert.equal(bucket.reserve(60_000), 1_000);
  });
});

describe('concurrency limit', () => {
  it('keeps at most `limit` calls in flight, even when a slot is handed over', async () => {
    const limit = new ConcurrencyLimit(2);
    let active = 0;
    let peak = 0;
    const work = async () => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active -= 1;
    };
    await Promise.all(Array.from({ length: 20 }, () => limit.run(work)));
    assert.equal(peak, 2);
    assert.equal(limit.inFlight, 0);
  });
});
