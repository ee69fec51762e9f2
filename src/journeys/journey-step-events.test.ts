import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY, defineJourney, HOUR, MINUTE, T0, TestRun } from './test-journeys.ts';

const exit = { type: 'exit' };

const abandonedCart = defineJourney({
  trigger: { event: 'Cart Abandoned' },
  goals: [{ name: 'bought anything', event: 'Order Completed', where: [{ property: 'total', op: 'gte', value: 500 }] }],
  exits: [{ event: 'Unsubscribed' }, { event: 'Cart Emptied', correlate: 'cart_id' }],
  nodes: {
    first: {
      type: 'wait_for_event',
      event: 'Order Completed',
      correlate: 'cart_id',
      timeout: '1h',
      next: { matched: 'thanks', timeout: 'remind' },
    },
    thanks: {
      type: 'condition',
      rules: [{ property: 'event.total', op: 'gt', value: 100 }],
      then: 'big_thanks',
      else: 'done',
    },
    big_thanks: { type: 'send', template: 'thanks', next: 'done' },
    remind: { type: 'send', template: 'cart_reminder', next: 'done' },
    done: exit,
  },
});

const cart = { trigger: { event: 'Cart Abandoned', properties: { cart_id: 'c-42' } } };

describe('journey step: wait_for_event', () => {
  it('takes the matched exit for the correlated event, cancelling the timeout', () => {
    const run = new TestRun(abandonedCart, cart);
    run.start();
    assert.deepEqual(run.ofType('schedule_timer'), [
      { type: 'schedule_timer', timerId: 'run1:first:1:timer', nodeId: 'first', dueAt: T0 + HOUR },
    ]);
    assert.deepEqual(run.event('Order Completed', { cart_id: 'c-99', total: 300 }).commands, [], 'another cart');
    assert.deepEqual(run.event('Order Completed', { total: 300 }).commands, [], 'no cart at all');
    const matched = run.event('Order Completed', { cart_id: 'c-42', total: 300 });
    assert.deepEqual(matched.commands[0], { type: 'cancel_timer', timerId: 'run1:first:1:timer' });
    assert.equal(matched.state.lastEvent?.properties.total, 300);
    assert.deepEqual(run.records().slice(1), [
      'completed:first[matched]',
      'entered:thanks',
      'completed:thanks[then]',
      'entered:big_thanks',
      'completed:big_thanks',
      'entered:done',
      'completed:done',
    ]);
    assert.equal(matched.state.outcome, 'completed');
    assert.deepEqual(run.fireTimerIfAny(), []);
  });

  it('takes the timeout exit when the event does not come in time', () => {
    const run = new TestRun(abandonedCart, cart);
    run.start();
    const timedOut = run.fireTimer();
    assert.equal(run.now, T0 + HOUR);
    assert.equal(run.ofType('send_message')[0]?.template, 'cart_reminder');
    assert.deepEqual(run.records().slice(1, 3), ['completed:first[timeout]', 'entered:remind']);
    assert.equal(timedOut.state.outcome, 'completed');
  });

  it('does not correlate when the trigger lacks the property', () => {
    const run = new TestRun(abandonedCart, { trigger: { event: 'Cart Abandoned', properties: {} } });
    run.start();
    assert.deepEqual(run.event('Order Completed', { total: 30 }).commands, []);
  });
});

describe('journey step: goals and exits', () => {
  it('converts on a goal event, records the goal and the splits, and cancels the wait', () => {
    const journey = defineJourney({
      goals: [{ event: 'Order Completed' }],
      nodes: {
        first: {
          type: 'random_split',
          branches: [
            { name: 'a', weight: 1, next: 'pause' },
            { name: 'b', weight: 1, next: 'pause' },
          ],
        },
        pause: { type: 'wait', duration: '3d', next: 'done' },
        done: exit,
      },
    });
    const run = new TestRun(journey, { random: () => 0.75 });
    run.start();
    const converted = run.event('Order Completed', {}, 2 * DAY);
    assert.deepEqual(converted.commands, [
      {
        type: 'record',
        kind: 'converted',
        nodeId: 'pause',
        at: T0 + 2 * DAY,
        reason: 'Order Completed',
        splits: { first: 'b' },
      },
      { type: 'cancel_timer', timerId: 'run1:pause:1:timer' },
      { type: 'finish', outcome: 'converted', at: T0 + 2 * DAY },
    ]);
    assert.equal(converted.state.status, 'finished');
    assert.equal(converted.state.waiting, null);
  });

  it('checks goal filters, and goals before the awaited event', () => {
    const run = new TestRun(abandonedCart, cart);
    run.start();
    const converted = run.event('Order Completed', { cart_id: 'c-42', total: 900 });
    assert.equal(converted.state.outcome, 'converted');
    assert.equal(run.ofType('record').at(-1)?.reason, 'bought anything');
    assert.equal(run.ofType('send_message').length, 0);
  });

  it('ends early on exit criteria, correlated where asked', () => {
    const run = new TestRun(abandonedCart, cart);
    run.start();
    assert.deepEqual(run.event('Cart Emptied', { cart_id: 'c-7' }).commands, []);
    const exited = run.event('Cart Emptied', { cart_id: 'c-42' });
    assert.equal(exited.state.outcome, 'exited');
    assert.deepEqual(
      exited.commands.map((c) => c.type),
      ['record', 'cancel_timer', 'finish'],
    );
    assert.equal(run.ofType('record').at(-1)?.kind, 'exited');
    const unsubscribed = new TestRun(abandonedCart, cart);
    unsubscribed.start();
    assert.equal(unsubscribed.event('Unsubscribed').state.outcome, 'exited');
  });

  it('refreshes traits from an event so later conditions see them', () => {
    const journey = defineJourney({
      nodes: {
        first: { type: 'wait', duration: '1d', next: 'check' },
        check: {
          type: 'condition',
          rules: [{ property: 'traits.active', op: 'eq', value: true }],
          then: 'done',
          else: 'nudge',
        },
        nudge: { type: 'send', template: 'nudge', next: 'done' },
        done: exit,
      },
    });
    const run = new TestRun(journey);
    run.start();
    run.now += HOUR;
    run.apply({
      type: 'event',
      event: { event: 'Logged In', properties: {}, timestamp: run.now },
      traits: { active: true },
    });
    run.fireTimer();
    assert.equal(run.ofType('send_message').length, 0);
    assert.deepEqual(run.records().slice(-4), [
      'entered:check',
      'completed:check[then]',
      'entered:done',
      'completed:done',
    ]);
  });
});

describe('journey step: wait_until in the customer time zone', () => {
  const morning = defineJourney({
    nodes: {
      first: { type: 'wait_until', at: '09:00', next: 'send' },
      send: { type: 'send', template: 'good_morning', next: 'done' },
      done: exit,
    },
  });
  const dueAt = (timezone: string, now: number) =>
    new TestRun(morning, { now, customer: { timezone } }).start().state.waiting?.dueAt;

  it('waits until 09:00 local across spring-forward', () => {
    assert.equal(dueAt('America/New_York', Date.UTC(2025, 2, 8, 15)), Date.UTC(2025, 2, 9, 13)); // 09:00 EDT
    assert.equal(dueAt('Europe/Berlin', Date.UTC(2025, 2, 29, 9)), Date.UTC(2025, 2, 30, 7)); // 09:00 CEST
  });

  it('waits until 09:00 local across fall-back', () => {
    assert.equal(dueAt('America/New_York', Date.UTC(2025, 10, 1, 14)), Date.UTC(2025, 10, 2, 14)); // 09:00 EST
    assert.equal(dueAt('Europe/Berlin', Date.UTC(2025, 9, 25, 8)), Date.UTC(2025, 9, 26, 8)); // 09:00 CET
  });

  it('honours days of the week and sends when the timer fires', () => {
    const weekdays = defineJourney({
      nodes: { ...morning.nodes, first: { type: 'wait_until', at: '09:30', days: ['sat'], next: 'send' } },
    });
    const run = new TestRun(weekdays, { now: T0 + 5 * MINUTE, customer: { timezone: 'Asia/Shanghai' } });
    assert.equal(run.start().state.waiting?.dueAt, Date.UTC(2025, 0, 11, 1, 30)); // Saturday 09:30 CST
    run.fireTimer();
    assert.equal(run.ofType('send_message').length, 1);
  });
});
