import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatJourneyIssues, parseJourney } from '../../journeys/journey-schema.ts';

const journey = (bestTime: unknown) => ({
  id: 'digest',
  name: 'Digest',
  trigger: { event: 'Digest Due' },
  start: 'send',
  nodes: { send: { type: 'send', template: 'digest', bestTime, next: 'done' }, done: { type: 'exit' } },
});

test('a send node may ask for the best time within a window of 1h to 7d', () => {
  const ok = parseJourney(journey({ within: '24h' }));
  assert.ok(ok.ok, !ok.ok ? formatJourneyIssues(ok.issues) : '');
  for (const [bad, message] of [
    [{ within: '30m' }, /nodes\.send\.bestTime\.within: must be between 1h and 7d/],
    [{ within: '8d' }, /must be between 1h and 7d/],
    [{ within: 'soon' }, /nodes\.send\.bestTime\.within: must be like/],
    [{ inside: '1d' }, /nodes\.send\.bestTime/],
  ] as const) {
    const result = parseJourney(journey(bad));
    assert.ok(!result.ok, JSON.stringify(bad));
    assert.match(formatJourneyIssues(result.issues), message);
  }
});
