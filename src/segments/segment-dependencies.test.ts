import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  eventAffectsSegment,
  segmentDependencies,
  segmentEventNames,
  segmentLookback,
} from './segment-dependencies.ts';
import { parseSegment, type SegmentDefinition } from './segment-schema.ts';

const DAY = 86_400_000;

function definition(rule: unknown): SegmentDefinition {
  const result = parseSegment({ id: 'test', name: 'Test', rule });
  assert.ok(result.ok);
  return result.segment;
}

const lapsedPro = definition({
  all: [
    { trait: 'plan', op: 'eq', value: 'pro' },
    { consent: { channel: 'email', topic: 'marketing' }, status: 'granted' },
    {
      event: 'Order Completed',
      where: [{ property: 'total', op: 'gt', value: 100 }],
      within: '30d',
      op: 'gte',
      value: 1,
    },
    {
      not: {
        any: [
          { event: 'Login', within: '2w', op: 'gte', value: 1 },
          { trait: 'address.city', op: 'exists' },
        ],
      },
    },
    { event: 'Order Completed', aggregate: 'sum', property: 'total', within: '1d12h', op: 'gt', value: 0 },
  ],
});

describe('segment dependencies', () => {
  it('lists the events, traits and consent channels a segment reads, and how far back', () => {
    assert.deepEqual(segmentDependencies(lapsedPro), {
      events: ['Login', 'Order Completed'],
      traits: ['address.city', 'plan'],
      consentChannels: ['email'],
      lookbackMs: 30 * DAY,
    });
    assert.deepEqual(segmentEventNames(lapsedPro), ['Login', 'Order Completed']);
    assert.equal(segmentLookback(definition({ event: 'Login', within: '1d12h', op: 'eq', value: 0 })), 1.5 * DAY);
  });

  it('needs no events for a segment over traits alone', () => {
    const pro = definition({ trait: 'plan', op: 'eq', value: 'pro' });
    assert.deepEqual(segmentDependencies(pro), { events: [], traits: ['plan'], consentChannels: [], lookbackMs: 0 });
  });

  it('tells which arriving events can change membership', () => {
    const event = (name: string, total: number) => ({ event: name, properties: { total }, timestamp: 0 });
    assert.equal(eventAffectsSegment(lapsedPro, event('Login', 0)), true);
    assert.equal(eventAffectsSegment(lapsedPro, event('Order Completed', 50)), true, 'the sum counts every order');
    assert.equal(eventAffectsSegment(lapsedPro, event('Page Viewed', 0)), false);
    const bigOrders = definition({
      event: 'Order Completed',
      where: [{ property: 'total', op: 'gt', value: 100 }],
      within: '30d',
      op: 'gte',
      value: 1,
    });
    assert.equal(eventAffectsSegment(bigOrders, event('Order Completed', 50)), false);
    assert.equal(eventAffectsSegment(bigOrders, event('Order Completed', 150)), true);
  });
});
