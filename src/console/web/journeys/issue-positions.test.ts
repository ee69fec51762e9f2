import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { issueRange } from './issue-positions.ts';

describe('issue positions in the journey editor', () => {
  const source = 'id: a\nnodes:\n  wait_1:\n    duration: soon\nid: b\n';
  const text = (range: { from: number; to: number }) => source.slice(range.from, range.to);

  it('points at the value a path names, or its deepest existing parent', () => {
    assert.equal(text(issueRange(source, 'nodes.wait_1.duration')), 'soon');
    assert.equal(text(issueRange(source, 'nodes.wait_1.next')).startsWith('duration'), true);
  });

  it('points a syntax error, which has no path, at the line and column its message names', () => {
    const range = issueRange(source, '', 'not valid YAML: line 5, column 1: Map keys must be unique');
    assert.equal(text(range), 'id: b');
    assert.equal(text(issueRange(source, '', 'something else')), 'id: a', 'no line named: the first');
    assert.deepEqual(issueRange(source, '', 'line 99, column 1'), { from: source.length, to: source.length });
  });
});
