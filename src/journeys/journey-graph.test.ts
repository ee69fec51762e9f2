import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { edgesOf } from './journey-graph.ts';
import { formatJourneyIssues, parseJourney } from './journey-schema.ts';

function graphErrors(start: string, nodes: Record<string, unknown>): string {
  const result = parseJourney({ id: 'g', name: 'Graph', trigger: { type: 'api' }, start, nodes });
  return result.ok ? '' : formatJourneyIssues(result.issues);
}

const exit = { type: 'exit' };
const send = (next: string) => ({ type: 'send', template: 't', next });
const rule = [{ property: 'traits.vip', op: 'eq', value: true }];

describe('journey graph check', () => {
  it('accepts a graph whose loops all pass through a wait', () => {
    const nodes = {
      remind: send('pause'),
      pause: { type: 'wait', duration: '7d', next: 'check' },
      check: { type: 'condition', rules: rule, then: 'done', else: 'remind' },
      done: exit,
    };
    assert.equal(graphErrors('remind', nodes), '');
  });

  it('names every edge whose target does not exist', () => {
    const nodes = {
      wait_for: { type: 'wait_for_event', event: 'Paid', timeout: '1d', next: { matched: 'done', timeout: 'nudge' } },
      split: {
        type: 'random_split',
        branches: [
          { name: 'a', weight: 1, next: 'done' },
          { name: 'b', weight: 1, next: 'gone' },
        ],
      },
      done: exit,
    };
    assert.equal(
      graphErrors('wait_for', nodes),
      'nodes.wait_for.next.timeout: no node "nudge"; nodes.split.branches[1].next: no node "gone"',
    );
  });

  it('needs a start node that exists', () => {
    assert.equal(graphErrors('begin', { done: exit }), 'start: no node "begin" (nodes are: done)');
    assert.equal(graphErrors('begin', {}), 'start: no node "begin" (nodes are: none)');
  });

  it('reports nodes that cannot be reached from the start', () => {
    assert.equal(
      graphErrors('first', { first: send('done'), done: exit, stray: send('done') }),
      'nodes.stray: is not reachable from start "first"',
    );
  });

  it('rejects a loop without a wait, naming its nodes', () => {
    const nodes = {
      first: send('check'),
      check: { type: 'condition', rules: rule, then: 'done', else: 'tag' },
      tag: { type: 'update_traits', set: { nudged: true }, next: 'first' },
      done: exit,
    };
    assert.equal(
      graphErrors('first', nodes),
      'nodes.first: loop first → check → tag → first has no wait, so it would run forever',
    );
    assert.match(graphErrors('self', { self: send('self') }), /loop self → self has no wait/);
  });

  it('lists the edges of every node type', () => {
    assert.deepEqual(edgesOf({ type: 'exit' }), []);
    assert.deepEqual(
      edgesOf({ type: 'condition', match: 'all', rules: [], then: 'a', else: 'b' }).map(
        (e) => `${e.field}→${e.target}`,
      ),
      ['then→a', 'else→b'],
    );
  });
});
