import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY, parsePolicy } from '../../../decisioning/policy-schema.ts';
import { createI18n } from '../i18n/i18n.tsx';
import { durationWords, policyWords } from './policy-words.ts';

/** The README's example policy, as the server stores it. */
const applied = parsePolicy({
  quietHours: [
    { channels: ['sms', 'whatsapp', 'voice'], from: '21:00', to: '08:00' },
    { channels: ['email', 'push'], from: '23:00', to: '07:00', allow: [] },
  ],
  caps: [{ classes: ['marketing'], per: 'day', max: 1 }],
  collisions: { window: '1h', loser: { marketing: 'drop', service: 'delay' } },
  maxDelay: { marketing: '1d12h' },
  suppression: [
    {
      id: 'open_ticket',
      classes: ['marketing'],
      when: [{ event: 'Conversation Opened', within: '30d', until: 'Conversation Closed' }],
    },
    {
      id: 'detractor',
      classes: ['marketing', 'service'],
      when: [
        { segment: 'detractors' },
        { event: 'Survey Answered', within: '14d', where: [{ property: 'score', op: 'lte', value: 6 }] },
      ],
    },
  ],
  holdout: { percent: 5 },
});
if (!applied.ok) throw new Error('the example policy is valid');
const policy = applied.policy;

describe('the communication policy in words', () => {
  it('lists collisions, longest holds, suppression rules and the holdout, not only quiet hours and caps', () => {
    const words = policyWords(createI18n('en'), policy);
    assert.deepEqual(words.quietHours, [
      'SMS, WhatsApp, voice: quiet from 21:00 to 08:00 (transactional let through)',
      'email, push: quiet from 23:00 to 07:00 (nothing let through)',
    ]);
    assert.deepEqual(words.collisions, [
      'service, marketing messages less than 1 hour apart collide: the higher class goes, the other gives way.',
      'A service message that gives way waits until 1 hour after the other.',
      'A marketing message that gives way is dropped.',
    ]);
    assert.deepEqual(words.maxDelay, ['marketing: dropped if held longer than 1 day, 12 hours']);
    assert.deepEqual(words.suppression, [
      'open_ticket: no marketing messages while the customer did Conversation Opened in the last 30 days, with no Conversation Closed since',
      'detractor: no marketing, service messages while the customer is in segment detractors and the customer did Survey Answered in the last 14 days (score lte 6)',
    ]);
    assert.equal(words.holdout, '5% of customers get no marketing messages, to measure their lift (salt godwit).');
  });

  it('says them in Chinese, lists joined the Chinese way', () => {
    const words = policyWords(createI18n('zh-CN'), policy);
    assert.equal(words.quietHours[0], '短信、WhatsApp、语音：21:00 至 08:00 免打扰（交易消息照常发送）');
    assert.equal(words.collisions[0], '间隔不足1小时的服务、营销消息视为冲突：级别高的发送，另一条让行。');
    assert.deepEqual(words.maxDelay, ['营销：暂缓超过1天12小时即不再发送']);
    assert.equal(
      words.suppression[0],
      'open_ticket：当客户在最近30天内有 Conversation Opened 事件且此后没有 Conversation Closed 事件时，不发送营销消息',
    );
    assert.equal(words.holdout, '5% 的客户不接收营销消息，用于衡量提升效果（salt：godwit）。');
  });

  it('says when the default policy has no rules of a kind and holds no one out', () => {
    const words = policyWords(createI18n('en'), DEFAULT_POLICY);
    assert.deepEqual(words.suppression, []);
    assert.equal(words.holdout, 'No one is held out.');
    assert.deepEqual([durationWords('en', '90m'), durationWords('zh-CN', '2w')], ['90 minutes', '2周']);
  });
});
