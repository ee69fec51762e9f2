import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateEventCondition, type SegmentEvent } from './event-aggregate.ts';
import type { EventCondition } from './rule-schema.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1, 12, 0);

function condition(fields: Partial<EventCondition>): EventCondition {
  return {
    type: 'event',
    event: 'Order Completed',
    where: [],
    aggregate: 'count',
    within: '30d',
    op: 'gte',
    value: 1,
    ...fields,
  };
}

function order(daysAgo: number, properties: Record<string, unknown> = {}): SegmentEvent {
  return { event: 'Order Completed', properties, timestamp: NOW - daysAgo * DAY };
}

describe('event aggregates', () => {
  it('counts an event exactly 30 days old as out of a 30d window', () => {
    const placedOrder = condition({});
    assert.deepEqual(evaluateEventCondition(placedOrder, [order(30)], NOW), { holds: false, changesAt: null });
    const justInside = { ...order(30), timestamp: NOW - 30 * DAY + 1 };
    assert.deepEqual(evaluateEventCondition(placedOrder, [justInside], NOW), { holds: true, changesAt: NOW + 1 });
    assert.deepEqual(evaluateEventCondition(placedOrder, [order(0)], NOW), { holds: true, changesAt: NOW + 30 * DAY });
    assert.equal(evaluateEventCondition(placedOrder, [order(0)], NOW + 30 * DAY).holds, false, 'at the boundary');
  });

  it('reports when "no login in 14 days" starts to hold', () => {
    const noLogin = condition({ event: 'Login', within: '14d', op: 'eq', value: 0 });
    const login = { event: 'Login', properties: {}, timestamp: NOW - 3 * DAY };
    assert.deepEqual(evaluateEventCondition(noLogin, [login], NOW), { holds: false, changesAt: NOW + 11 * DAY });
    assert.deepEqual(evaluateEventCondition(noLogin, [], NOW), { holds: true, changesAt: null });
    const two = [login, { ...login, timestamp: NOW - 1 * DAY }];
    assert.deepEqual(evaluateEventCondition(noLogin, two, NOW), { holds: false, changesAt: NOW + 13 * DAY });
  });

  it('finds the first change that flips the rule, not merely the first event to leave', () => {
    const twoOrders = condition({ op: 'gte', value: 2 });
    const events = [order(25), order(20), order(5)];
    assert.deepEqual(evaluateEventCondition(twoOrders, events, NOW), { holds: true, changesAt: NOW + 10 * DAY });
  });

  it('counts only events with the name that pass the filters', () => {
    const bigOrders = condition({ where: [{ property: 'total', op: 'gt', value: 100 }] });
    const events = [order(1, { total: 50 }), { event: 'Order Refunded', properties: { total: 500 }, timestamp: NOW }];
    assert.equal(evaluateEventCondition(bigOrders, events, NOW).holds, false);
    assert.equal(evaluateEventCondition(bigOrders, [...events, order(2, { total: '120.00' })], NOW).holds, true);
  });

  it('does not count an event stamped after now until its time comes', () => {
    const early = { ...order(0), timestamp: NOW + 60_000 };
    assert.deepEqual(evaluateEventCondition(condition({}), [early], NOW), { holds: false, changesAt: NOW + 60_000 });
  });

  it('sums numbers and numeric strings, ignoring other values', () => {
    const spent = condition({ aggregate: 'sum', property: 'total', op: 'gte', value: 100 });
    const events = [
      order(10, { total: 60 }),
      order(9, { total: '40.5' }),
      order(8, { total: 'a lot' }),
      order(7, { total: null }),
      order(6, { total: true }),
      order(5, {}),
      order(4, { total: Number.NaN }),
    ];
    assert.deepEqual(evaluateEventCondition(spent, events, NOW), { holds: true, changesAt: NOW + 20 * DAY });
    const exactly = condition({ aggregate: 'sum', property: 'total', op: 'eq', value: 100.5 });
    assert.equal(evaluateEventCondition(exactly, events, NOW).holds, true);
    const nested = condition({ aggregate: 'sum', property: 'cart.total', op: 'gt', value: 0 });
    assert.equal(evaluateEventCondition(nested, [order(1, { cart: { total: 3 } })], NOW).holds, true);
    assert.equal(evaluateEventCondition(nested, [], NOW).holds, false, 'an empty window sums to 0');
  });

  it('ignores a non-numeric value when looking for the next change of a sum', () => {
    const spent = condition({ aggregate: 'sum', property: 'total', op: 'gt', value: 0 });
    const events = [order(20, { total: 'n/a' }), order(10, { total: 5 })];
    assert.deepEqual(evaluateEventCondition(spent, events, NOW), { holds: true, changesAt: NOW + 20 * DAY });
  });

  it('compares the time since the last one for last_seen', () => {
    const quiet = condition({ event: 'Login', aggregate: 'last_seen', within: '30d', op: 'gt', value: '7d' });
    const login = (daysAgo: number) => ({ event: 'Login', properties: {}, timestamp: NOW - daysAgo * DAY });
    // Logged in 3 days ago: "more than 7 days ago" holds one millisecond after day 7.
    assert.deepEqual(evaluateEventCondition(quiet, [login(3)], NOW), { holds: false, changesAt: NOW + 4 * DAY + 1 });
    assert.deepEqual(evaluateEventCondition(quiet, [login(10)], NOW), { holds: true, changesAt: NOW + 20 * DAY });
    assert.deepEqual(
      evaluateEventCondition(quiet, [], NOW),
      { holds: false, changesAt: null },
      'never seen is not quiet',
    );
    const atLeast = { ...quiet, op: 'gte' as const };
    assert.deepEqual(evaluateEventCondition(atLeast, [login(3)], NOW), { holds: false, changesAt: NOW + 4 * DAY });
    const recent = { ...quiet, op: 'lte' as const, value: '2d' };
    assert.deepEqual(evaluateEventCondition(recent, [login(1)], NOW), { holds: true, changesAt: NOW + DAY + 1 });
    const neverIn14 = condition({ event: 'Login', aggregate: 'last_seen', within: '14d', op: 'exists', value: false });
    assert.deepEqual(evaluateEventCondition(neverIn14, [login(3)], NOW), { holds: false, changesAt: NOW + 11 * DAY });
    const seen = { ...neverIn14, value: undefined };
    assert.deepEqual(evaluateEventCondition(seen, [login(3)], NOW), { holds: true, changesAt: NOW + 11 * DAY });
  });
});
