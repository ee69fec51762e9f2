import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideEntry } from './entry-policy.ts';
import { matchesEvent, matchesEventTrigger } from './event-match.ts';
import type { EntryPolicy } from './journey-schema.ts';
import { DAY, defineJourney, T0 } from './test-journeys.ts';

const decide = (entry: EntryPolicy, runs: { startedAt: number; finished: boolean }[]) =>
  decideEntry({ entry, runs, now: T0, timeZone: 'UTC' });

describe('entry policy', () => {
  const finishedLastWeek = { startedAt: T0 - 7 * DAY, finished: true };
  const running = { startedAt: T0 - DAY, finished: false };

  it('once: never again after the first run', () => {
    const once: EntryPolicy = { policy: 'once', allowConcurrent: false };
    assert.deepEqual(decide(once, []), { enter: true });
    assert.deepEqual(decide(once, [finishedLastWeek]), { enter: false, reason: 'already_entered' });
  });

  it('once per period: again when the period since the last start has passed', () => {
    const monthly: EntryPolicy = { policy: 'once_per_period', period: '30d', allowConcurrent: false };
    assert.deepEqual(decide(monthly, [finishedLastWeek]), { enter: false, reason: 'entered_this_period' });
    assert.deepEqual(decide(monthly, [{ startedAt: T0 - 30 * DAY, finished: true }]), { enter: true });
  });

  it('every time, but one live run at a time unless concurrency is allowed', () => {
    assert.deepEqual(decide({ policy: 'every_time', allowConcurrent: false }, [finishedLastWeek]), { enter: true });
    assert.deepEqual(decide({ policy: 'every_time', allowConcurrent: false }, [running]), {
      enter: false,
      reason: 'run_in_progress',
    });
    assert.deepEqual(decide({ policy: 'every_time', allowConcurrent: true }, [running]), { enter: true });
  });
});

describe('event matching', () => {
  const journey = defineJourney({
    trigger: { event: 'Order Completed', where: [{ property: 'total', op: 'gt', value: 100 }] },
    nodes: { first: { type: 'exit' } },
  });
  const event = (name: string, properties: Record<string, unknown>) => ({ event: name, properties, timestamp: T0 });

  it('starts on the trigger event when its filters hold', () => {
    assert.equal(matchesEventTrigger(journey.trigger, event('Order Completed', { total: 150 })), true);
    assert.equal(matchesEventTrigger(journey.trigger, event('Order Completed', { total: 50 })), false);
    assert.equal(matchesEventTrigger(journey.trigger, event('Order Refunded', { total: 150 })), false);
  });

  it('correlates on a property of the trigger, which must be present', () => {
    const matcher = { event: 'Order Completed', where: [], correlate: 'cart.id' };
    const trigger = { event: 'Cart Abandoned', properties: { cart: { id: 7 } }, timestamp: T0 };
    assert.equal(matchesEvent(matcher, event('Order Completed', { cart: { id: 7 } }), trigger), true);
    assert.equal(matchesEvent(matcher, event('Order Completed', { cart: { id: 8 } }), trigger), false);
    assert.equal(matchesEvent(matcher, event('Order Completed', {}), { ...trigger, properties: {} }), false);
  });
});
