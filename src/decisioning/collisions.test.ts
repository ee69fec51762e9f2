import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveCollisions } from './collisions.ts';
import type { KnownSend } from './decision-types.ts';

const MIN = 60_000;
const now = Date.UTC(2025, 5, 10, 12);
const base = {
  now,
  at: now,
  requestId: 'new',
  sends: [] as KnownSend[],
  windowMs: 60 * MIN,
  loser: { marketing: 'drop' as const },
  held: ['service', 'marketing'] as KnownSend['messageClass'][],
};
const scheduled = (id: string, minutes: number, messageClass: KnownSend['messageClass']): KnownSend => ({
  id,
  channel: 'email',
  messageClass,
  at: now + minutes * MIN,
});

test('a marketing send colliding with a transactional one is dropped by policy', () => {
  const result = resolveCollisions({
    ...base,
    messageClass: 'marketing',
    sends: [scheduled('otp', 10, 'transactional')],
  });
  assert.equal(result.dropped, true);
  assert.deepEqual(result.reasons, [
    {
      code: 'collision',
      with: 'otp',
      withClass: 'transactional',
      at: now + 10 * MIN,
      action: 'drop',
      heldUntil: now + 70 * MIN,
    },
  ]);
});

test('a service send loses to a transactional one and is delayed until the window after it', () => {
  const result = resolveCollisions({
    ...base,
    messageClass: 'service',
    sends: [scheduled('otp', -20, 'transactional')],
  });
  assert.ok(!result.dropped);
  assert.equal(result.at, now + 40 * MIN);
});

test('the higher class wins and preempts a lower one scheduled ahead; one already sent is left alone', () => {
  const result = resolveCollisions({
    ...base,
    messageClass: 'transactional',
    sends: [
      scheduled('promo', 15, 'marketing'),
      scheduled('sent-promo', -5, 'marketing'),
      scheduled('svc', 30, 'service'),
    ],
  });
  assert.ok(!result.dropped);
  assert.equal(result.at, now);
  assert.deepEqual(result.preempts, [
    { id: 'promo', action: 'drop' },
    { id: 'svc', action: 'delay' },
  ]);
});

test('between equals the earlier one wins; outside the window nothing happens', () => {
  const equal = resolveCollisions({ ...base, messageClass: 'service', sends: [scheduled('svc', 0, 'service')] });
  assert.ok(!equal.dropped && equal.at === now + 60 * MIN);
  const apart = resolveCollisions({
    ...base,
    messageClass: 'marketing',
    sends: [scheduled('otp', -60, 'transactional')],
  });
  assert.deepEqual(apart, { dropped: false, at: now, preempts: [], reasons: [] });
});

test('a class the policy does not hold (transactional by default) goes even next to an equal one', () => {
  const codes = resolveCollisions({
    ...base,
    messageClass: 'transactional',
    sends: [scheduled('otp', -1, 'transactional')],
  });
  assert.ok(!codes.dropped && codes.at === now);
  const held = resolveCollisions({
    ...base,
    held: ['transactional'],
    messageClass: 'transactional',
    sends: [scheduled('otp', -1, 'transactional')],
  });
  assert.ok(!held.dropped && held.at === now + 59 * MIN);
});

test('a collision reason names the journey of the other send, whichever side wins', () => {
  const receipt = { ...scheduled('otp', 10, 'transactional'), journeyId: 'order_receipt' };
  const lost = resolveCollisions({ ...base, messageClass: 'marketing', sends: [receipt] });
  assert.equal(lost.reasons[0]?.code === 'collision' && lost.reasons[0].withJourney, 'order_receipt');
  const promo = { ...scheduled('promo', 15, 'marketing'), journeyId: 'spring_sale' };
  const won = resolveCollisions({ ...base, messageClass: 'transactional', sends: [promo] });
  assert.equal(won.reasons[0]?.code === 'collision' && won.reasons[0].withJourney, 'spring_sale');
});
