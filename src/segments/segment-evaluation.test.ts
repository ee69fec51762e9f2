import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SegmentEvent } from './event-aggregate.ts';
import type { SegmentRule } from './rule-schema.ts';
import { evaluateSegment, type SegmentInput } from './segment-evaluation.ts';
import type { SegmentDefinition } from './segment-schema.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1, 12, 0);

function segment(rule: SegmentRule): SegmentDefinition {
  return { id: 'test', name: 'Test', rule };
}

function input(fields: Partial<SegmentInput>): SegmentInput {
  return { traits: {}, consent: {}, events: [], now: NOW, ...fields };
}

function happened(event: string, daysAgo: number): SegmentEvent {
  return { event, properties: {}, timestamp: NOW - daysAgo * DAY };
}

const ordered30d: SegmentRule = {
  type: 'event',
  event: 'Order',
  where: [],
  aggregate: 'count',
  within: '30d',
  op: 'gte',
  value: 1,
};
const noLogin14d: SegmentRule = {
  type: 'event',
  event: 'Login',
  where: [],
  aggregate: 'count',
  within: '14d',
  op: 'eq',
  value: 0,
};
const noOrder30d: SegmentRule = { ...ordered30d, op: 'eq', value: 0 };
const isPro: SegmentRule = { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' };
const emailMarketing: SegmentRule = {
  type: 'consent',
  consent: { channel: 'email', topic: 'marketing' },
  status: 'granted',
};

describe('segment evaluation', () => {
  it('reads traits by dotted path', () => {
    const berliners = segment({ type: 'trait', trait: 'address.city', op: 'eq', value: 'Berlin' });
    assert.deepEqual(evaluateSegment(berliners, input({ traits: { address: { city: 'Berlin' } } })), {
      member: true,
      changesAt: null,
    });
    assert.deepEqual(evaluateSegment(berliners, input({})), { member: false, changesAt: null });
  });

  it('reads consent for a topic, with the channel-wide choice as fallback', () => {
    const marketable = segment(emailMarketing);
    const at = (status: 'granted' | 'denied', time: number) => ({ status, at: time, source: 'api' });
    assert.equal(
      evaluateSegment(marketable, input({ consent: { email: { marketing: at('granted', 1) } } })).member,
      true,
    );
    assert.equal(evaluateSegment(marketable, input({ consent: { email: { all: at('granted', 1) } } })).member, true);
    const withdrawn = { email: { marketing: at('granted', 1), all: at('denied', 2) } };
    assert.equal(evaluateSegment(marketable, input({ consent: withdrawn })).member, false);
    const optedOut = segment({ ...emailMarketing, status: 'denied' });
    assert.equal(evaluateSegment(optedOut, input({ consent: withdrawn })).member, true);
    assert.equal(
      evaluateSegment(optedOut, input({})).member,
      false,
      'no recorded choice is neither granted nor denied',
    );
  });

  it('keeps the change time of an aggregate under not', () => {
    const events = [happened('Order', 10)];
    assert.deepEqual(evaluateSegment(segment(ordered30d), input({ events })), {
      member: true,
      changesAt: NOW + 20 * DAY,
    });
    assert.deepEqual(evaluateSegment(segment({ type: 'not', not: ordered30d }), input({ events })), {
      member: false,
      changesAt: NOW + 20 * DAY,
    });
  });

  it('takes the earliest change of a true all and of a false any', () => {
    const events = [happened('Order', 10), happened('Login', 20)];
    const activeAndQuiet = segment({ type: 'all', all: [ordered30d, noLogin14d, isPro] });
    assert.deepEqual(evaluateSegment(activeAndQuiet, input({ events, traits: { plan: 'pro' } })), {
      member: true,
      changesAt: NOW + 20 * DAY,
    });
    const either = segment({ type: 'any', any: [noOrder30d, { type: 'not', not: noLogin14d }] });
    assert.deepEqual(evaluateSegment(either, input({ events })), { member: false, changesAt: NOW + 20 * DAY });
  });

  it('waits for every part of a false all and of a true any', () => {
    // No login for 9 days (true in 5) and no order for 22 days (true in 8).
    const events = [happened('Login', 9), happened('Order', 22)];
    const lapsed = segment({ type: 'all', all: [noLogin14d, noOrder30d] });
    assert.deepEqual(evaluateSegment(lapsed, input({ events })), { member: false, changesAt: NOW + 8 * DAY });
    const eitherLapsed = segment({ type: 'any', any: [noLogin14d, noOrder30d] });
    assert.deepEqual(evaluateSegment(eitherLapsed, input({ events })), { member: false, changesAt: NOW + 5 * DAY });
    const active = segment({
      type: 'any',
      any: [
        { type: 'not', not: noLogin14d },
        { type: 'not', not: noOrder30d },
      ],
    });
    assert.deepEqual(evaluateSegment(active, input({ events })), { member: true, changesAt: NOW + 8 * DAY });
  });

  it('never schedules a change that a constant part rules out', () => {
    const events = [happened('Order', 10)];
    const freeBuyers = segment({ type: 'all', all: [ordered30d, isPro] });
    assert.deepEqual(evaluateSegment(freeBuyers, input({ events, traits: { plan: 'free' } })), {
      member: false,
      changesAt: null,
    });
    const proOrBuyer = segment({ type: 'any', any: [ordered30d, isPro] });
    assert.deepEqual(evaluateSegment(proOrBuyer, input({ events, traits: { plan: 'pro' } })), {
      member: true,
      changesAt: null,
    });
    assert.deepEqual(evaluateSegment(proOrBuyer, input({ events })), { member: true, changesAt: NOW + 20 * DAY });
  });
});
