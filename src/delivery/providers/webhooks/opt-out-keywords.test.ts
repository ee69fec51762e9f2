import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keywordReply, optOutKeywordOf } from './opt-out-keywords.ts';

test('keywords: the whole message only, any case, English and Chinese', () => {
  assert.deepEqual(optOutKeywordOf(' stop '), { type: 'stop', language: 'en' });
  assert.deepEqual(optOutKeywordOf('Unsubscribe!'), { type: 'stop', language: 'en' });
  assert.deepEqual(optOutKeywordOf('退订。'), { type: 'stop', language: 'zh' });
  assert.deepEqual(optOutKeywordOf('td'), { type: 'stop', language: 'zh' });
  assert.deepEqual(optOutKeywordOf('START'), { type: 'start', language: 'en' });
  assert.deepEqual(optOutKeywordOf('订阅'), { type: 'start', language: 'zh' });
  assert.deepEqual(optOutKeywordOf('help'), { type: 'help', language: 'en' });
  assert.equal(optOutKeywordOf('please stop calling me'), undefined);
  assert.equal(optOutKeywordOf(''), undefined);
});

test('answers are in the keyword’s language and name the channel it came on', () => {
  assert.equal(
    keywordReply({ type: 'stop', language: 'zh' }, 'sms'),
    '您已退订，将不再收到我们的短信。回复“订阅”可重新订阅。',
  );
  assert.match(keywordReply({ type: 'stop', language: 'zh' }, 'whatsapp'), /将不再收到我们的 WhatsApp 消息。/);
  assert.match(
    keywordReply({ type: 'start', language: 'en' }, 'whatsapp'),
    /subscribed to our WhatsApp messages again/,
  );
});
