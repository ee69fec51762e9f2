import assert from 'node:assert/strict';
import { test } from 'node:test';
import { policySchema } from './policy-schema.ts';
import { holdoutBucket, holdoutReason, matchSuppression } from './suppression-rules.ts';

const DAY = 86_400_000;
const now = Date.UTC(2025, 5, 10, 12);
const policy = policySchema.parse({
  suppression: [
    {
      id: 'open_support',
      classes: ['marketing'],
      when: [{ event: 'Conversation Opened', within: '30d', until: 'Conversation Closed' }],
    },
    {
      id: 'detractor',
      classes: ['marketing'],
      when: [{ event: 'Survey Answered', within: '14d', where: [{ property: 'score', op: 'lte', value: 6 }] }],
    },
    {
      id: 'negative',
      classes: ['marketing', 'service'],
      when: [{ property: 'traits.last_sentiment', op: 'eq', value: 'negative' }],
    },
    {
      id: 'vip_paused',
      classes: ['marketing'],
      when: [{ segment: 'vip' }, { property: 'traits.paused', op: 'eq', value: true }],
    },
  ],
  holdout: { percent: 10, salt: 'q3' },
});
const subject = {
  now,
  messageClass: 'marketing' as const,
  traits: {},
  segments: [] as string[],
  recentEvents: [] as { name: string; at: number; properties?: Record<string, unknown> }[],
};
const rules = policy.suppression;

test('no marketing while a support conversation is open; fine again once it is closed', () => {
  const opened = { name: 'Conversation Opened', at: now - 2 * DAY };
  const open = matchSuppression(rules, { ...subject, recentEvents: [opened] });
  assert.deepEqual(open, {
    code: 'suppression_rule',
    rule: 'open_support',
    matched: ['Conversation Opened 48 h ago, no Conversation Closed since'],
  });
  const closed = { name: 'Conversation Closed', at: now - DAY };
  assert.equal(matchSuppression(rules, { ...subject, recentEvents: [opened, closed] }), undefined);
  assert.equal(
    matchSuppression(rules, { ...subject, messageClass: 'transactional', recentEvents: [opened] }),
    undefined,
  );
});

test('14 days after a detractor answer (score ≤ 6), not after a promoter one, not on day 15', () => {
  const answer = (score: number, daysAgo: number) => ({
    name: 'Survey Answered',
    at: now - daysAgo * DAY,
    properties: { score },
  });
  assert.equal(
    matchSuppression(rules, { ...subject, recentEvents: [answer(3, 13)] })?.code === 'suppression_rule',
    true,
  );
  assert.equal(matchSuppression(rules, { ...subject, recentEvents: [answer(9, 1)] }), undefined);
  assert.equal(matchSuppression(rules, { ...subject, recentEvents: [answer(3, 15)] }), undefined);
});

test('after negative sentiment (a trait); every condition of a rule must hold', () => {
  const negative = matchSuppression(rules, {
    ...subject,
    messageClass: 'service',
    traits: { last_sentiment: 'negative' },
  });
  assert.deepEqual(negative, {
    code: 'suppression_rule',
    rule: 'negative',
    matched: ['traits.last_sentiment eq "negative"'],
  });
  assert.equal(matchSuppression(rules, { ...subject, segments: ['vip'] }), undefined, 'vip alone is not enough');
  const both = matchSuppression(rules, { ...subject, segments: ['vip'], traits: { paused: true } });
  assert.deepEqual(both, {
    code: 'suppression_rule',
    rule: 'vip_paused',
    matched: ['in segment vip', 'traits.paused eq true'],
  });
});

test('holdout: stable per customer and salt, about the configured share, marketing only', () => {
  assert.equal(holdoutBucket('ada@example.com', 'q3'), holdoutBucket('ada@example.com', 'q3'));
  const ids = Array.from({ length: 20_000 }, (_, i) => `customer-${i}`);
  const held = ids.filter((id) => holdoutReason(policy, id, 'marketing')).length;
  assert.ok(Math.abs(held / ids.length - 0.1) < 0.01, `held ${held}`);
  const other = ids.filter((id) => holdoutBucket(id, 'q4') < 1000);
  const overlap = other.filter((id) => holdoutReason(policy, id, 'marketing')).length;
  assert.ok(overlap < other.length * 0.2, 'a new salt draws a new group');
  const someone = ids.find((id) => holdoutReason(policy, id, 'marketing')) as string;
  assert.equal(holdoutReason(policy, someone, 'transactional'), undefined);
  assert.deepEqual(holdoutReason(policy, someone, 'marketing'), {
    code: 'holdout',
    bucket: holdoutBucket(someone, 'q3'),
    percent: 10,
  });
});
