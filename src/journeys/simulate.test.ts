import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulate } from './simulate.ts';
import { DAY, defineJourney, HOUR, T0 } from './test-journeys.ts';

const customer = { id: 'c1', traits: { plan: 'free' }, timezone: 'Europe/Berlin' };

const reminder = defineJourney({
  trigger: { event: 'Cart Abandoned' },
  goals: [{ event: 'Order Completed', correlate: 'cart_id' }],
  start: 'first',
  nodes: {
    first: { type: 'send', template: 'nudge', channel: 'email', next: 'answer' },
    answer: {
      type: 'wait_for_event',
      event: 'Email Clicked',
      timeout: '2d',
      next: { matched: 'thanks', timeout: 'later' },
    },
    later: { type: 'wait', duration: '3d', next: 'second' },
    second: { type: 'send', template: 'second_nudge', next: 'done' },
    thanks: { type: 'send', template: 'thanks', next: 'done' },
    done: { type: 'exit' },
  },
});

const abandoned = (at: number, cartId = 'k1') => ({
  event: 'Cart Abandoned',
  properties: { cart_id: cartId },
  timestamp: at,
});

describe('simulator', () => {
  it('returns the path, the waits and the messages on a virtual clock', () => {
    const result = simulate({ definition: reminder, customer, events: [abandoned(T0 - HOUR)], now: T0 });
    assert.equal(result.status, 'finished');
    assert.equal(result.outcome, 'completed');
    assert.equal(result.startedAt, T0);
    assert.equal(result.endedAt, T0 + 5 * DAY);
    assert.deepEqual(result.trigger?.properties, { cart_id: 'k1' });
    assert.deepEqual(
      result.path.map((p) => `${p.nodeId}@${(p.at - T0) / HOUR}h${p.branch ? `[${p.branch}]` : ''}`),
      ['first@0h', 'answer@0h[timeout]', 'later@48h', 'second@120h', 'done@120h'],
    );
    assert.deepEqual(result.waits, [
      { nodeId: 'answer', from: T0, until: T0 + 2 * DAY, endedBy: 'timer', endedAt: T0 + 2 * DAY },
      { nodeId: 'later', from: T0 + 2 * DAY, until: T0 + 5 * DAY, endedBy: 'timer', endedAt: T0 + 5 * DAY },
    ]);
    assert.deepEqual(
      result.messages.map((m) => [m.template, m.channel, (m.at - T0) / DAY, m.idempotencyKey]),
      [
        ['nudge', 'email', 0, 'simulation:first:1'],
        ['second_nudge', 'best', 5, 'simulation:second:1'],
      ],
    );
    assert.ok(result.timeline.every((entry) => entry.at >= T0));
  });

  it('delivers future events in time order: an awaited one, then a goal', () => {
    const events = [
      { event: 'Order Completed', properties: { cart_id: 'k1' }, timestamp: T0 + 3 * DAY },
      { event: 'Email Clicked', properties: {}, timestamp: T0 + 2 * DAY }, // exactly at the timeout: in time
      abandoned(T0 - HOUR),
    ];
    const result = simulate({ definition: reminder, customer, events, now: T0 });
    assert.deepEqual(
      result.path.map((p) => p.nodeId),
      ['first', 'answer', 'thanks', 'done'],
    );
    assert.equal(result.waits[0]?.endedBy, 'event');
    const converted = simulate({
      definition: reminder,
      customer,
      events: events.slice(0, 1).concat(abandoned(T0)),
      now: T0,
    });
    assert.equal(converted.outcome, 'converted');
    assert.equal(converted.endedAt, T0 + 3 * DAY, 'the order arrives during the 3-day wait after the timeout');
    assert.deepEqual(converted.waits.at(-1), {
      nodeId: 'later',
      from: T0 + 2 * DAY,
      until: T0 + 5 * DAY,
      endedBy: 'event',
      endedAt: T0 + 3 * DAY,
    });
    assert.deepEqual(
      converted.messages.map((m) => m.template),
      ['nudge'],
    );
  });

  it('starts from the latest past trigger event, else the first future one, else not at all', () => {
    const events = [abandoned(T0 - 2 * DAY, 'old'), abandoned(T0 - DAY, 'recent'), abandoned(T0 + DAY, 'next')];
    assert.equal(simulate({ definition: reminder, customer, events, now: T0 }).trigger?.properties.cart_id, 'recent');
    const future = simulate({ definition: reminder, customer, events: events.slice(2), now: T0 });
    assert.equal(future.startedAt, T0 + DAY);
    assert.equal(future.messages[0]?.at, T0 + DAY);
    const none = simulate({ definition: reminder, customer, events: [], now: T0 });
    assert.equal(none.status, 'not_triggered');
    assert.deepEqual(none.messages, []);
    const given = simulate({
      definition: reminder,
      customer,
      events,
      now: T0,
      trigger: { event: 'Cart Abandoned', properties: { cart_id: 'given' }, timestamp: T0 },
    });
    assert.equal(given.trigger?.properties.cart_id, 'given');
  });

  it('stops at the horizon with the run still waiting', () => {
    const long = defineJourney({
      trigger: { type: 'api' },
      nodes: {
        first: { type: 'wait', duration: '120d', next: 'send' },
        send: { type: 'send', template: 't', next: 'end' },
        end: { type: 'exit' },
      },
    });
    const result = simulate({ definition: long, customer, events: [], now: T0 });
    assert.equal(result.status, 'waiting');
    assert.equal(result.endedAt, T0 + 90 * DAY);
    assert.deepEqual(result.messages, []);
    assert.equal(result.waits[0]?.endedBy, 'horizon');
    assert.equal(simulate({ definition: long, customer, events: [], now: T0, horizon: '200d' }).status, 'finished');
  });

  it('draws the same split for the same run id', () => {
    const split = defineJourney({
      trigger: { type: 'api' },
      nodes: {
        first: {
          type: 'random_split',
          branches: [
            { name: 'a', weight: 1, next: 'end' },
            { name: 'b', weight: 1, next: 'end' },
          ],
        },
        end: { type: 'exit' },
      },
    });
    const branch = (runId: string) =>
      simulate({ definition: split, customer, events: [], now: T0, runId }).path[0]?.branch;
    assert.equal(branch('r1'), branch('r1'));
    const branches = new Set(Array.from({ length: 20 }, (_, i) => branch(`r${i}`)));
    assert.deepEqual([...branches].sort(), ['a', 'b']);
  });
});
