import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from './ids.ts';

describe('newId', () => {
  it('gives distinct UUIDv7 ids that sort in the order they were made, across many refills of its random pool', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => newId(1_700_000_000_000 + Math.floor(i / 100)));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The random tail differs between ids made in the same millisecond, not only the sequence.
    const tails = new Set(ids.slice(0, 100).map((id) => id.slice(19)));
    assert.equal(tails.size, 100);
  });
});
