import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smsSegments } from './sms-segments.ts';

describe('SMS segments', () => {
  it('fits 160 GSM-7 characters in one message and 153 per part after that', () => {
    assert.deepEqual(smsSegments('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1 });
    assert.deepEqual(smsSegments('a'.repeat(161)), { encoding: 'GSM-7', units: 161, segments: 2 });
    assert.deepEqual(smsSegments('a'.repeat(306)), { encoding: 'GSM-7', units: 306, segments: 2 });
    assert.deepEqual(smsSegments('a'.repeat(307)).segments, 3);
  });

  it('counts extension characters twice', () => {
    assert.deepEqual(smsSegments('€'.repeat(80)), { encoding: 'GSM-7', units: 160, segments: 1 });
    assert.equal(smsSegments(`${'a'.repeat(159)}€`).segments, 2);
  });

  it('switches Chinese to UCS-2: 70 in one message, 67 per part', () => {
    assert.deepEqual(smsSegments('您'.repeat(70)), { encoding: 'UCS-2', units: 70, segments: 1 });
    assert.deepEqual(smsSegments(`${'a'.repeat(70)}您`), { encoding: 'UCS-2', units: 71, segments: 2 });
    assert.equal(smsSegments('您'.repeat(135)).segments, 3);
    assert.deepEqual(smsSegments(''), { encoding: 'GSM-7', units: 0, segments: 0 });
  });
});
