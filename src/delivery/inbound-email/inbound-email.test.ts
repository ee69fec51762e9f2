import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { goLive } from '../../journeys/runtime/test-runtime.ts';
import { sendBatch } from '../../journeys/test-journey-api.ts';
import { startTestSmtpServer } from '../providers/testing/test-smtp-server.ts';

/**
 * A running Godwit sending through a real SMTP server, and its inbound listener taking replies,
 * bounce reports and complaints from nodemailer.
 */
describe('inbound email', () => {
  let t: TestGodwit;
  let outbound: Awaited<ReturnType<typeof startTestSmtpServer>>;
  let toListener: Transporter;
  const sentTo = (address: string) => outbound.received.find((m) => m.to && JSON.stringify(m.to).includes(address));
  const messageOf = async (customer: string) => {
    const customerId = await t.godwit.customers.resolveId(t.workspaceId, customer);
    const [message] = await t.godwit.store.delivery.listMessages({ workspaceId: t.workspaceId, customerId, limit: 1 });
    return message;
  };
  const eventsOf = async (customer: string) => {
    await t.settle();
    const customerId = await t.godwit.customers.resolveId(t.workspaceId, customer);
    const view = await t.godwit.customers.view(t.workspaceId, customerId, { limit: 100 });
    return view.timeline.entries.flatMap((e) => (e.source === 'event' ? [e.event] : []));
  };
  const kindsOf = async (key: string) =>
    (await t.godwit.store.delivery.deliveryEvents(t.workspaceId, key)).map((e) => e.kind);

  before(async () => {
    outbound = await startTestSmtpServer();
    t = await startTestGodwit({
      deliver: true,
      config: {
        GODWIT_SMTP_URL: outbound.url,
        GODWIT_SMTP_FROM: 'Acme <hello@acme.test>',
        GODWIT_INBOUND_DOMAIN: 'reply.acme.test',
        GODWIT_INBOUND_SMTP_PORT: 0,
      },
    });
    toListener = nodemailer.createTransport({ host: '127.0.0.1', port: t.godwit.inboundEmail?.port, secure: false });
    await goLive(t, {
      id: 'hello',
      trigger: { event: 'Signed Up' },
      start: 'mail',
      nodes: {
        mail: { type: 'send', template: 'cart_reminder', channel: 'email', next: 'done' },
        done: { type: 'exit' },
      },
    });
    const batch = ['ada', 'bob', 'cy'].flatMap((name) => [
      { type: 'identify', userId: name, traits: { email: `${name}@example.com`, first_name: name } },
      { type: 'track', userId: name, event: 'Signed Up' },
    ]);
    await sendBatch(t, batch);
    for (let i = 0; i < 400 && outbound.received.length < 3; i++) await new Promise((r) => setTimeout(r, 25));
  });
  after(async () => {
    toListener?.close();
    await t.close();
    await outbound.close();
  });

  it('sends email with a signed Reply-To on the inbound domain', async () => {
    const mail = sentTo('ada@example.com');
    assert.match(String(mail?.replyTo?.text), /^reply\+[0-9a-f]{52}@reply\.acme\.test$/);
    assert.notEqual(sentTo('bob@example.com')?.replyTo?.text, mail?.replyTo?.text);
  });

  it('a reply becomes a replied event on its message and Email Received on the timeline', async () => {
    const original = sentTo('ada@example.com');
    await toListener.sendMail({
      from: 'Ada <ADA@example.com>',
      to: original?.replyTo?.text,
      subject: `Re: ${original?.subject}`,
      inReplyTo: original?.messageId,
      references: original?.messageId,
      text: 'Yes, please hold the cart.\n\n> quoted',
    });
    const message = await messageOf('ada');
    assert.deepEqual(await kindsOf(message?.idempotencyKey ?? ''), ['sent', 'replied']);
    const received = (await eventsOf('ada')).find((e) => e.event === 'Email Received');
    const properties = JSON.parse(received?.payload ?? '{}').properties;
    assert.equal(properties.subject, `Re: ${original?.subject}`);
    assert.match(properties.text, /^Yes, please hold the cart\./);
    assert.equal(properties.message_key, message?.idempotencyKey);
    assert.ok((await eventsOf('ada')).some((e) => e.event === 'Message Replied'));
  });

  it('without a valid token the sender’s email finds the customer; other domains are refused', async () => {
    const forged = sentTo('cy@example.com')?.replyTo?.text?.replace(/[0-9a-f]@/, (c) => (c[0] === '0' ? '1@' : '0@'));
    await toListener.sendMail({
      from: 'cy@example.com',
      to: forged,
      subject: 'Question',
      text: 'Is it open on Sunday?',
    });
    const events = await eventsOf('cy');
    assert.ok(events.some((e) => e.event === 'Email Received'));
    assert.deepEqual(await kindsOf((await messageOf('cy'))?.idempotencyKey ?? ''), ['sent'], 'no replied event');
    await assert.rejects(
      toListener.sendMail({ from: 'x@example.com', to: 'someone@elsewhere.test', text: 'relay?' }),
      /550/,
    );
  });

  it('a bounce report (RFC 3464) bounces the message and suppresses the address', async () => {
    const original = sentTo('bob@example.com');
    await toListener.sendMail({
      envelope: { from: '', to: [String(original?.replyTo?.text)] },
      raw: deliveryStatusNotification(String(original?.messageId), 'bob@example.com'),
    });
    const message = await messageOf('bob');
    assert.equal(message?.status, 'bounced');
    const listed = await t.godwit.store.suppressions.find(t.workspaceId, [
      { channel: 'email', address: 'bob@example.com' },
    ]);
    assert.deepEqual(
      listed.map((s) => [s.reason, s.sourceMessage]),
      [['hard_bounce', message?.idempotencyKey]],
    );
  });

  it('a complaint (RFC 5965 abuse report) suppresses the address', async () => {
    const original = sentTo('ada@example.com');
    await toListener.sendMail({
      envelope: { from: 'fbl@isp.test', to: ['fbl@reply.acme.test'] },
      raw: abuseReport(String(original?.messageId), 'ada@example.com'),
    });
    const message = await messageOf('ada');
    assert.ok((await kindsOf(message?.idempotencyKey ?? '')).includes('complained'));
    const [entry] = await t.godwit.store.suppressions.find(t.workspaceId, [
      { channel: 'email', address: 'ada@example.com' },
    ]);
    assert.equal(entry?.reason, 'complaint');
  });
});

function deliveryStatusNotification(messageId: string, recipient: string): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.com>',
    'To: <bounces@reply.acme.test>',
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <dsn-1@mx.example.com>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
    '',
    '--B1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--B1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown',
    '',
    '--B1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Acme <hello@acme.test>',
    `To: ${recipient}`,
    `Message-ID: ${messageId}`,
    '',
    '--B1--',
    '',
  ].join('\r\n');
}

function abuseReport(messageId: string, recipient: string): string {
  return [
    'From: <fbl@isp.test>',
    'To: <fbl@reply.acme.test>',
    'Subject: FW: abuse report',
    'Message-ID: <arf-1@isp.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="B2"',
    '',
    '--B2',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report.',
    '--B2',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: isp-fbl/1.0',
    'Version: 1',
    `Original-Rcpt-To: ${recipient}`,
    '',
    '--B2',
    'Content-Type: message/rfc822',
    '',
    'From: Acme <hello@acme.test>',
    `To: ${recipient}`,
    `Message-ID: ${messageId}`,
    'Subject: Your cart',
    '',
    'Hello',
    '--B2--',
    '',
  ].join('\r\n');
}
