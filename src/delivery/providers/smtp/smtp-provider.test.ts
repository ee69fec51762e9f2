import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DeliveryError, type OutboundMessage } from '../../provider.ts';
import { messageIdFor, SmtpProvider } from './smtp-provider.ts';
import { email } from './test-smtp-messages.ts';

/** A real SMTP server: it rejects some recipients the way mail servers do and parses what it accepts. */
function startServer() {
  const received: ParsedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onRcptTo(address, _session, callback) {
      const reject = (code: number, text: string) => callback(Object.assign(new Error(text), { responseCode: code }));
      if (address.address.startsWith('nobody@')) return reject(550, 'No such user here');
      if (address.address.startsWith('busy@')) return reject(451, 'Try again later');
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        received.push(mail);
        callback();
      }, callback);
    },
  });
  return {
    received,
    connections: () => connections,
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A header as it was on the wire, unfolded (mailparser turns List-* headers into objects). */
function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name)?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

describe('SmtpProvider against a real SMTP server', () => {
  const server = startServer();
  let provider: SmtpProvider;

  before(async () => {
    const port = await server.listen();
    provider = new SmtpProvider({
      url: `smtp://127.0.0.1:${port}`,
      from: 'Godwit <hello@godwit.example>',
      maxConnections: 2,
    });
  });
  after(async () => {
    provider.close();
    await server.close();
  });

  test('sends From, Reply-To, HTML and text, RFC 8058 headers and a Message-ID from the idempotency key', async () => {
    const receipt = await provider.send(
      email('ada@example.com', 'run1:send_1:1', {
        replyTo: 'support@godwit.example',
        headers: {
          'List-Unsubscribe': '<https://godwit.example/u/abc>, <mailto:unsubscribe@godwit.example?subject=abc>',
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'X-Godwit-Journey': 'cart',
        },
      }),
    );
    const mail = server.received.at(-1);
    assert.ok(mail);
    assert.equal(mail.subject, 'Your cart 购物车');
    assert.equal(mail.from?.text, '"Godwit" <hello@godwit.example>');
    assert.equal(mail.replyTo?.text, 'support@godwit.example');
    assert.equal((mail.to as { text: string }).text, 'ada@example.com');
    assert.equal(mail.html, '<p>Hello <b>Ada</b></p>');
    assert.equal(mail.text?.trim(), 'Hello Ada');
    assert.equal(rawHeader(mail, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    assert.equal(
      rawHeader(mail, 'list-unsubscribe'),
      '<https://godwit.example/u/abc>, <mailto:unsubscribe@godwit.example?subject=abc>',
    );
    assert.equal(mail.headers.get('x-godwit-journey'), 'cart');
    const expectedId = messageIdFor({ workspaceId: 'ws_1', idempotencyKey: 'run1:send_1:1' }, 'hello@godwit.example');
    assert.equal(mail.messageId, expectedId);
    assert.deepEqual(receipt, { providerMessageId: expectedId, status: 'sent' });
    assert.match(expectedId, /^<[0-9a-f]{32}@godwit\.example>$/);
  });

  test('the same key gives the same Message-ID, another key another one', () => {
    const a = messageIdFor({ workspaceId: 'ws_1', idempotencyKey: 'k1' }, 'a@x.example');
    assert.equal(a, messageIdFor({ workspaceId: 'ws_1', idempotencyKey: 'k1' }, 'a@x.example'));
    assert.notEqual(a, messageIdFor({ workspaceId: 'ws_1', idempotencyKey: 'k2' }, 'a@x.example'));
    assert.notEqual(a, messageIdFor({ workspaceId: 'ws_2', idempotencyKey: 'k1' }, 'a@x.example'));
  });

  test('a message From overrides the default, and a lone List-Unsubscribe-Post is dropped', async () => {
    await provider.send(
      email('ada@example.com', 'k-from', {
        from: 'shop@other.example',
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      }),
    );
    const mail = server.received.at(-1);
    assert.equal(mail?.from?.text, 'shop@other.example');
    assert.ok(mail);
    assert.equal(rawHeader(mail, 'list-unsubscribe-post'), undefined);
    assert.match(String(mail?.messageId), /@other\.example>$/);
  });

  test('a 5xx recipient rejection is permanent, a 4xx transient', async () => {
    await assert.rejects(provider.send(email('nobody@example.com', 'k550')), (error: unknown) => {
      assert.ok(error instanceof DeliveryError);
      assert.equal(error.kind, 'permanent');
      assert.equal(error.options.code, 'smtp_550');
      return true;
    });
    await assert.rejects(provider.send(email('busy@example.com', 'k451')), (error: unknown) => {
      assert.ok(error instanceof DeliveryError);
      assert.equal(error.kind, 'transient');
      assert.equal(error.options.code, 'smtp_451');
      return true;
    });
  });

  test('concurrent sends share the pooled connections', async () => {
    const before = server.connections();
    const sent = server.received.length;
    await Promise.all(Array.from({ length: 10 }, (_, i) => provider.send(email(`p${i}@example.com`, `pool-${i}`))));
    assert.equal(server.received.length, sent + 10);
    assert.ok(
      server.connections() - before <= 2,
      `opened ${server.connections() - before} connections for 10 messages`,
    );
  });

  test('a non-email message is refused as permanent', async () => {
    const sms = { ...email('ada@example.com', 'k-sms'), content: { channel: 'sms', text: 'hi' } } as OutboundMessage;
    await assert.rejects(
      provider.send(sms),
      (error: unknown) => error instanceof DeliveryError && error.kind === 'permanent',
    );
  });
});

test('a refused connection is transient', async () => {
  const closed = startServer();
  const port = await closed.listen();
  await closed.close();
  const provider = new SmtpProvider({ url: `smtp://127.0.0.1:${port}`, from: 'a@godwit.example', timeoutMs: 2000 });
  try {
    await assert.rejects(provider.send(email('ada@example.com', 'k-refused')), (error: unknown) => {
      assert.ok(error instanceof DeliveryError);
      assert.equal(error.kind, 'transient');
      return true;
    });
  } finally {
    provider.close();
  }
});
