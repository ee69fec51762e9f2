import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShareOfTime } from './share-of-time.ts';

describe('ShareOfTime', () => {
  it('reports the share of each window the condition held, carrying a held condition across windows', () => {
    let now = 0;
    const meter = new ShareOfTime(() => now, 1000);
    assert.equal(meter.share, 0);
    meter.set(true);
    now = 300;
    meter.set(false);
    now = 600;
    assert.equal(meter.share, 0.5);
    meter.set(true);
    now = 1000;
    assert.equal(meter.share, 0.7, 'the previous window, while the new one is young');
    now = 1500;
    assert.equal(meter.share, 1);
    meter.set(false);
    now = 2000;
    assert.equal(meter.share, 0.5);
  });
});
