import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createI18n } from '../i18n/i18n.tsx';
import { entryView } from './timeline-entry.ts';

/** A message on the timeline as `GET /v1/customers/:id` gives it: the outbox summary with its decision in words. */
const heldMessage = {
  type: 'message',
  timestamp: '2026-11-25T02:38:34.398Z',
  key: 'run-1:first:1',
  status: 'scheduled',
  channel: 'email',
  template: 'onboarding_welcome',
  nextAttemptAt: '2026-11-25T07:00:00.000Z',
  decision:
    'delayed to 2026-11-25 07:00 Europe/London on email: fixed channel email; quiet hours 23:00–07:00 for email in Europe/London',
};

describe('timeline entries', () => {
  it('say why a message waits or was dropped, when a held one goes, and open the message in full', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const i18n = createI18n(locale);
      const view = entryView(heldMessage, i18n);
      const goes = i18n.t('messages.goesAt', { time: i18n.dateTime(Date.parse(heldMessage.nextAttemptAt)) });
      assert.equal(view.title, locale === 'en' ? 'email · held' : '邮件 · 暂缓发送');
      assert.equal(view.detail, `onboarding_welcome · ${goes}`);
      assert.equal(view.decision, heldMessage.decision);
      assert.equal(view.decisionInEnglish, true, 'without the explanation, the server’s English');
      assert.equal(view.href, '/messages?message=run-1%3Afirst%3A1');
    }
    const dropped = {
      ...heldMessage,
      status: 'suppressed',
      nextAttemptAt: null,
      decision: 'suppressed: rule open_ticket',
    };
    const view = entryView(dropped, createI18n('en'));
    assert.deepEqual(
      [view.title, view.detail, view.decision],
      ['email · suppressed', 'onboarding_welcome', dropped.decision],
    );
  });

  it('word the decision in the admin’s language from its explanation', () => {
    const explained = {
      ...heldMessage,
      explanation: {
        outcome: 'delay',
        channel: 'email',
        at: Date.parse(heldMessage.nextAttemptAt),
        timeZone: 'Europe/London',
        reasons: [
          {
            code: 'quiet_hours',
            channel: 'email',
            from: '23:00',
            to: '07:00',
            timeZone: 'Europe/London',
            heldUntil: Date.parse(heldMessage.nextAttemptAt),
          },
        ],
      },
    };
    const zh = createI18n('zh-CN');
    const view = entryView(explained, zh);
    const at = zh.dateTime(Date.parse(heldMessage.nextAttemptAt));
    assert.equal(view.decision, `邮件免打扰时段（客户时区 Europe/London 的 23:00–07:00）：暂缓至 ${at}。`);
    assert.equal(view.decisionInEnglish, undefined);
  });
});
