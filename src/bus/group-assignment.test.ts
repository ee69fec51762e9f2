import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AssignmentInput, assignPartitions, emptyGroupState, type GroupState } from './group-assignment.ts';

const base = (state: GroupState, me: string, now: number, over: Partial<AssignmentInput> = {}): AssignmentInput => ({
  state,
  me,
  now,
  leaseMs: 1_000,
  partitions: 4,
  allowed: [0, 1, 2, 3],
  running: new Set(),
  releasing: new Set(),
  leaving: false,
  ...over,
});

describe('assignPartitions', () => {
  it('gives a lone consumer every partition at epoch 1', () => {
    const a = assignPartitions(base(emptyGroupState(), 'a', 0));
    assert.deepEqual(
      a.acquired,
      [0, 1, 2, 3].map((partition) => ({ partition, epoch: 1 })),
    );
  });

  it('leaves live claims alone, sheds down to the fair share when another consumer joins', () => {
    const first = assignPartitions(base(emptyGroupState(), 'a', 0)).state;
    const b = assignPartitions(base(first, 'b', 100));
    assert.deepEqual(b.acquired, [], 'every partition is held');
    const a = assignPartitions(base(b.state, 'a', 200, { running: new Set([0, 1, 2, 3]) }));
    assert.deepEqual(a.shed, [3, 2]);
    const released = assignPartitions(
      base(a.state, 'a', 300, { running: new Set([0, 1]), releasing: new Set([2, 3]) }),
    );
    const taken = assignPartitions(base(released.state, 'b', 400));
    assert.deepEqual(taken.acquired, [
      { partition: 2, epoch: 2 },
      { partition: 3, epoch: 2 },
    ]);
  });

  it('takes over a lapsed claim with a new epoch, and tells a lapsed owner it lost it', () => {
    const first = assignPartitions(base(emptyGroupState(), 'a', 0)).state;
    const b = assignPartitions(base(first, 'b', 5_000));
    assert.deepEqual(
      b.acquired.map((x) => x.epoch),
      [2, 2, 2, 2],
    );
    const late = assignPartitions(base(b.state, 'a', 5_100, { running: new Set([0, 1, 2, 3]) }));
    assert.deepEqual(late.lost, [0, 1, 2, 3]);
  });
});
