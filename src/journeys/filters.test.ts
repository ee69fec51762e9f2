import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Filter, matchesFilter, matchesFilters, readPath } from './filters.ts';

const order = {
  total: 120,
  price: '42.50',
  currency: 'EUR',
  coupon: null,
  tags: ['gift', 'express'],
  address: { city: 'Berlin' },
  'page.url': 'https://example.com',
  placed_at: '2025-03-01T10:00:00Z',
};

const holds = (filter: Filter) => matchesFilter(filter, order);

describe('filters', () => {
  it('reads nested paths, preferring a key that contains dots', () => {
    assert.equal(readPath(order, 'address.city'), 'Berlin');
    assert.equal(readPath(order, 'page.url'), 'https://example.com');
    assert.equal(readPath(order, 'address.zip'), undefined);
    assert.equal(readPath('text', 'length'), undefined);
  });

  it('eq and neq compare JSON values deeply; a missing property is never eq', () => {
    assert.equal(holds({ property: 'currency', op: 'eq', value: 'EUR' }), true);
    assert.equal(holds({ property: 'tags', op: 'eq', value: ['gift', 'express'] }), true);
    assert.equal(holds({ property: 'address', op: 'eq', value: { city: 'Berlin' } }), true);
    assert.equal(holds({ property: 'total', op: 'eq', value: '120' }), false);
    assert.equal(holds({ property: 'missing', op: 'eq', value: undefined }), false);
    assert.equal(holds({ property: 'currency', op: 'neq', value: 'USD' }), true);
    assert.equal(holds({ property: 'missing', op: 'neq', value: 'USD' }), true);
  });

  it('orders numbers, numeric strings and ISO dates; unorderable values never match', () => {
    assert.equal(holds({ property: 'total', op: 'gt', value: 100 }), true);
    assert.equal(holds({ property: 'total', op: 'gt', value: 120 }), false);
    assert.equal(holds({ property: 'total', op: 'gte', value: 120 }), true);
    assert.equal(holds({ property: 'price', op: 'lt', value: 50 }), true);
    assert.equal(holds({ property: 'price', op: 'lte', value: '42.5' }), true);
    assert.equal(holds({ property: 'placed_at', op: 'gt', value: '2025-02-28' }), true);
    assert.equal(holds({ property: 'placed_at', op: 'lt', value: '2025-03-01T09:00:00+00:00' }), false);
    assert.equal(holds({ property: 'missing', op: 'lt', value: 1 }), false);
    assert.equal(holds({ property: 'missing', op: 'gte', value: 1 }), false);
    assert.equal(holds({ property: 'currency', op: 'gt', value: 5 }), false);
  });

  it('contains looks into strings and lists', () => {
    assert.equal(holds({ property: 'address.city', op: 'contains', value: 'erl' }), true);
    assert.equal(holds({ property: 'tags', op: 'contains', value: 'gift' }), true);
    assert.equal(holds({ property: 'tags', op: 'contains', value: 'gi' }), false);
    assert.equal(holds({ property: 'total', op: 'contains', value: 1 }), false);
  });

  it('exists treats null as absent and can be negated', () => {
    assert.equal(holds({ property: 'total', op: 'exists' }), true);
    assert.equal(holds({ property: 'coupon', op: 'exists' }), false);
    assert.equal(holds({ property: 'coupon', op: 'exists', value: false }), true);
    assert.equal(holds({ property: 'missing', op: 'exists', value: false }), true);
  });

  it('in matches any listed value', () => {
    assert.equal(holds({ property: 'currency', op: 'in', value: ['USD', 'EUR'] }), true);
    assert.equal(holds({ property: 'currency', op: 'in', value: ['USD'] }), false);
    assert.equal(holds({ property: 'missing', op: 'in', value: [undefined] }), false);
  });

  it('combines filters with all (default) or any; no filters always match', () => {
    const filters: Filter[] = [
      { property: 'total', op: 'gt', value: 500 },
      { property: 'currency', op: 'eq', value: 'EUR' },
    ];
    assert.equal(matchesFilters(filters, order), false);
    assert.equal(matchesFilters(filters, order, 'any'), true);
    assert.equal(matchesFilters([], order), true);
  });
});
