import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineDiff } from './line-diff.ts';

describe('lineDiff', () => {
  it('is empty for equal texts', () => {
    assert.equal(lineDiff('a\nb\n', 'a\nb\n'), '');
  });

  it('shows changed lines with two lines of context, in hunks', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n';
    const after = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n';
    assert.equal(
      lineDiff(before, after),
      ['@@ -1,4 +1,4 @@', ' a', '-b', '+B', ' c', ' d', '@@ -9,2 +9,3 @@', ' i', ' j', '+k'].join('\n'),
    );
  });

  it('joins changes that are close together', () => {
    assert.equal(
      lineDiff('a\nb\nc\nd\n', 'x\nb\nc\ny\n'),
      ['@@ -1,4 +1,4 @@', '-a', '+x', ' b', ' c', '-d', '+y'].join('\n'),
    );
  });
});
