import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { membershipChange, membershipEvent } from './membership-change.ts';
import type { SegmentDefinition } from './segment-schema.ts';

describe('membership change', () => {
  it('is an entry, an exit or nothing', () => {
    assert.equal(membershipChange(false, { member: true }), 'entered');
    assert.equal(membershipChange(true, { member: false }), 'left');
    assert.equal(membershipChange(true, { member: true }), 'none');
    assert.equal(membershipChange(false, { member: false }), 'none');
  });

  it('describes the change as a timeline event', () => {
    const segment: SegmentDefinition = {
      id: 'vip',
      name: 'VIP',
      rule: { type: 'trait', trait: 'vip', op: 'eq', value: true },
    };
    assert.deepEqual(membershipEvent(segment, 'left', 42), {
      event: 'Segment Left',
      properties: { segment_id: 'vip', segment_name: 'VIP' },
      timestamp: 42,
    });
  });
});
