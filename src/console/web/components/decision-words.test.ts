import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Reason } from '../../../decisioning/decision-types.ts';
import { createI18n } from '../i18n/i18n.tsx';
import { type DecisionExplanation, explainDecision, isDecisionExplanation } from './decision-words.ts';

const HELD_UNTIL = Date.UTC(2026, 10, 25, 7, 0);
const QUEUED = Date.UTC(2026, 10, 25, 2, 38);

/** An outbox entry's `payload.explanation`: a marketing email held by quiet hours and the daily cap. */
const held: DecisionExplanation & { reasons: Reason[] } = {
  outcome: 'delay',
  channel: 'email',
  at: HELD_UNTIL,
  timeZone: 'Europe/London',
  reasons: [
    { code: 'fixed_channel', channel: 'email' },
    {
      code: 'quiet_hours',
      channel: 'email',
      from: '23:00',
      to: '07:00',
      timeZone: 'Europe/London',
      heldUntil: HELD_UNTIL,
    },
    { code: 'frequency_cap', channel: 'all', per: 'day', max: 1, count: 1, heldUntil: HELD_UNTIL },
    { code: 'frequency_cap', channel: 'all', per: 'day', max: 1, count: 1, heldUntil: HELD_UNTIL },
    { code: 'collision', with: 'otp', withClass: 'service', at: QUEUED, action: 'wins' },
  ],
};

const dropped: DecisionExplanation & { reasons: Reason[] } = {
  outcome: 'suppress',
  reasons: [
    { code: 'holdout', bucket: 2302, percent: 30 },
    {
      code: 'suppression_rule',
      rule: 'open_ticket',
      matched: ['Conversation Opened 0 h ago, no Conversation Closed since'],
    },
    { code: 'channel_ineligible', channel: 'sms', why: ['no consent', 'no sms consent for newsletter'] },
    { code: 'provider_unhealthy', channel: 'email' },
  ],
};

describe('a decision in the admin’s words', () => {
  it('says when a held message goes and why, each hold once, in English', () => {
    const i18n = createI18n('en');
    const at = i18n.dateTime(HELD_UNTIL);
    assert.deepEqual(explainDecision(i18n, held), {
      headline: `Held until ${at}, then sent on email.`,
      reasons: [
        { text: 'The journey sends on email.' },
        {
          text: `Quiet hours for email, 23:00–07:00 in the customer’s time zone (Europe/London): held until ${at}.`,
        },
        { text: `The cap of 1 a day on all channels together is reached (1 already): held until ${at}.` },
      ],
    });
  });

  it('says it in Chinese, with the server’s own words (a rule’s match) kept apart as English detail', () => {
    const i18n = createI18n('zh-CN');
    const at = i18n.dateTime(HELD_UNTIL);
    const words = explainDecision(i18n, held);
    assert.equal(words.headline, `暂缓至 ${at}，届时通过邮件发送。`);
    assert.equal(words.reasons[1]?.text, `邮件免打扰时段（客户时区 Europe/London 的 23:00–07:00）：暂缓至 ${at}。`);
    assert.deepEqual(explainDecision(i18n, dropped), {
      headline: '不发送。',
      reasons: [
        { text: '客户属于保留组（占客户的 30%）：保留组不接收此类消息，以便衡量消息的提升效果。' },
        { text: '抑制规则 open_ticket 生效：', detail: 'Conversation Opened 0 h ago, no Conversation Closed since' },
        { text: '短信不可用：未获同意。', detail: 'no sms consent for newsletter' },
      ],
    });
  });

  it('names the journey of the message a collision met, when the engine knows it', () => {
    const met = (withJourney?: string): DecisionExplanation => ({
      outcome: 'suppress',
      reasons: [
        {
          code: 'collision',
          with: '01J9:send:1',
          ...(withJourney === undefined ? {} : { withJourney }),
          withClass: 'service',
          at: QUEUED,
          action: 'drop',
        },
      ],
    });
    const en = createI18n('en');
    assert.equal(
      explainDecision(en, met('ticket_follow_up')).reasons[0]?.text,
      `Too close to a service message of journey ticket_follow_up at ${en.dateTime(QUEUED)}: dropped.`,
    );
    assert.match(explainDecision(en, met()).reasons[0]?.text ?? '', /^Too close to a service message at /);
    const zh = createI18n('zh-CN');
    assert.match(explainDecision(zh, met('ticket_follow_up')).reasons[0]?.text ?? '', /旅程 ticket_follow_up 的一条/);
  });

  it('keeps a reason this console has no words for as its code, and reads only explanations', () => {
    const i18n = createI18n('en');
    const later = { outcome: 'send', channel: 'push', reasons: [{ code: 'weather' }] } as const;
    assert.deepEqual(explainDecision(i18n, later), {
      headline: 'Sent at once on push.',
      reasons: [{ text: 'weather' }],
    });
    assert.equal(isDecisionExplanation(held), true);
    assert.equal(isDecisionExplanation('send now on email'), false);
    assert.equal(isDecisionExplanation({ outcome: 'send' }), false);
  });
});
