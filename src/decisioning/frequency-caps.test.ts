import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KnownSend } from './decision-types.ts';
import { applyFrequencyCaps } from './frequency-caps.ts';
import { DEFAULT_POLICY, policySchema } from './policy-schema.ts';

const HOUR = 3_600_000;
const now = Date.UTC(2025, 5, 10, 12);
const send = (id: string, hoursAgo: number, extra: Partial<KnownSend> = {}): KnownSend => ({
  id,
  channel: 'email',
  messageClass: 'marketing',
  at: now - hoursAgo * HOUR,
  ...extra,
});

test('a marketing send within 24 h of the last one waits until that one is a day old', () => {
  const result = applyFrequencyCaps({
    at: now,
    channel: 'sms',
    messageClass: 'marketing',
    caps: DEFAULT_POLICY.caps,
    sends: [send('a', 5)],
  });
  assert.equal(result.at, now + 19 * HOUR);
  assert.deepEqual(result.reasons, [
    { code: 'frequency_cap', channel: 'all', per: 'day', max: 1, count: 1, heldUntil: now + 19 * HOUR },
  ]);
});

test('the weekly cap counts the last 7 days across channels and holds until the oldest expires', () => {
  const sends = [send('a', 150), send('b', 100, { channel: 'sms' }), send('c', 30, { channel: 'push' })];
  const result = applyFrequencyCaps({
    at: now,
    channel: 'email',
    messageClass: 'marketing',
    caps: DEFAULT_POLICY.caps,
    sends,
  });
  assert.equal(result.at, now + (168 - 150) * HOUR);
  assert.equal(result.reasons[0]?.code === 'frequency_cap' && result.reasons[0].count, 3);
});

test('transactional bypasses marketing caps and does not count against them', () => {
  const busy = [send('a', 1), send('b', 2), send('c', 3)];
  const receipt = applyFrequencyCaps({
    at: now,
    channel: 'email',
    messageClass: 'transactional',
    caps: DEFAULT_POLICY.caps,
    sends: busy,
  });
  assert.deepEqual(receipt, { at: now, reasons: [] });
  const receipts = [1, 2, 3].map((h) => send(`t${h}`, h, { messageClass: 'transactional' }));
  const promo = applyFrequencyCaps({
    at: now,
    channel: 'email',
    messageClass: 'marketing',
    caps: DEFAULT_POLICY.caps,
    sends: receipts,
  });
  assert.deepEqual(promo, { at: now, reasons: [] });
});

test('a per-channel cap holds only that channel', () => {
  const caps = policySchema.parse({ caps: [{ classes: ['service'], channel: 'sms', per: 'day', max: 2 }] }).caps;
  const sends = [
    send('a', 1, { channel: 'sms', messageClass: 'service' }),
    send('b', 2, { channel: 'sms', messageClass: 'service' }),
  ];
  assert.equal(
    applyFrequencyCaps({ at: now, channel: 'sms', messageClass: 'service', caps, sends }).at,
    now + 22 * HOUR,
  );
  assert.equal(applyFrequencyCaps({ at: now, channel: 'email', messageClass: 'service', caps, sends }).at, now);
});
