import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ConsentRecord, consentStatus } from './consent-status.ts';

const choice = (status: 'granted' | 'denied', at: number) => ({ status, at, source: 'test' });

describe('consent status', () => {
  it('reads a topic, falling back to the whole channel', () => {
    const consent: ConsentRecord = { email: { all: choice('granted', 1) }, sms: { marketing: choice('denied', 1) } };
    assert.equal(consentStatus(consent, 'email'), 'granted');
    assert.equal(consentStatus(consent, 'email', 'marketing'), 'granted');
    assert.equal(consentStatus(consent, 'sms', 'marketing'), 'denied');
    assert.equal(consentStatus(consent, 'sms', 'service'), undefined, 'another topic is unknown');
    assert.equal(consentStatus(consent, 'sms'), undefined, 'one topic says nothing about the channel');
    assert.equal(consentStatus(consent, 'whatsapp'), undefined);
  });

  it('lets the newer of topic and channel-wide choice win, denial on a tie', () => {
    const stopAllLater: ConsentRecord = { email: { marketing: choice('granted', 1), all: choice('denied', 2) } };
    assert.equal(consentStatus(stopAllLater, 'email', 'marketing'), 'denied');
    const reopenTopicLater: ConsentRecord = { email: { all: choice('denied', 1), news: choice('granted', 2) } };
    assert.equal(consentStatus(reopenTopicLater, 'email', 'news'), 'granted');
    assert.equal(consentStatus(reopenTopicLater, 'email', 'marketing'), 'denied');
    const tie: ConsentRecord = { email: { all: choice('granted', 5), news: choice('denied', 5) } };
    assert.equal(consentStatus(tie, 'email', 'news'), 'denied');
  });

  it('does not read inherited object keys as channels or topics', () => {
    assert.equal(consentStatus({}, 'constructor'), undefined);
    assert.equal(consentStatus({ email: {} }, 'email', 'toString'), undefined);
  });
});
