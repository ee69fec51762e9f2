import assert from 'node:assert/strict';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { DeliveryError } from '../../provider.ts';
import { SmtpProvider } from './smtp-provider.ts';
import { email } from './test-smtp-messages.ts';

/**
 * A real SMTP server that says which session carried each message. `drop-rcpt@…` loses the
 * connection at RCPT (nothing handed over), `drop-data@…` once the whole message is in but before
 * the reply (it may have been taken); `nobody@…` is refused with 550, `busy@…` with 451.
 */
async function startServer(options: SMTPServerOptions = {}) {
  const sessions: string[] = [];
  let connections = 0;
  let closes = 0;
  const sockets = new Map<number, Socket>();
  const dropConnection = (remotePort: number) => sockets.get(remotePort)?.destroy();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onClose() {
      closes += 1;
    },
    onRcptTo(address, session, callback) {
      const reject = (code: number, text: string) => callback(Object.assign(new Error(text), { responseCode: code }));
      if (address.address.startsWith('drop-rcpt@')) return dropConnection(session.remotePort);
      if (address.address.startsWith('nobody@')) return reject(550, 'No such user here');
      if (address.address.startsWith('busy@')) return reject(451, 'Try again later');
      callback();
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        if (session.envelope.rcptTo[0]?.address.startsWith('drop-data@')) return dropConnection(session.remotePort);
        sessions.push(session.id);
        callback();
      });
    },
    ...options,
  });
  server.on('error', () => {}); // the drops above reset connections on purpose
  server.server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.set(socket.remotePort ?? 0, socket);
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)),
  );
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** The session id of each message accepted, in order. */
    sessions,
    connections: () => connections,
    closes: () => closes,
    /** Hangs up on every connection, as a server restarting or timing out idle sessions does. */
    dropAll: () => {
      for (const socket of sockets.values()) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function failure(send: Promise<unknown>): Promise<DeliveryError> {
  const error = await send.then(
    () => assert.fail('the send should have failed'),
    (error: unknown) => error,
  );
  assert.ok(error instanceof DeliveryError, `not a DeliveryError: ${error}`);
  return error;
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('SmtpProvider connection pool against a real SMTP server', { timeout: 20_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const providers: SmtpProvider[] = [];
  const provider = (options: Partial<ConstructorParameters<typeof SmtpProvider>[0]> = {}) => {
    const created = new SmtpProvider({ url: server.url, from: 'Godwit <hello@godwit.example>', ...options });
    providers.push(created);
    return created;
  };

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    for (const created of providers) created.close();
    await server.close();
  });

  test('a connection carries maxMessages messages, then a new one takes over', async () => {
    const smtp = provider({ maxConnections: 1, maxMessages: 3 });
    const [connections, sent] = [server.connections(), server.sessions.length];
    for (let i = 0; i < 7; i++) await smtp.send(email(`m${i}@example.com`));
    const sessions = server.sessions.slice(sent);
    const runs = sessions.map((id) => sessions.filter((other) => other === id).length);
    assert.deepEqual(runs, [3, 3, 3, 3, 3, 3, 1]);
    assert.equal(server.connections() - connections, 3);
  });

  test('a refused message (5xx permanent, 4xx transient) leaves the connection usable', async () => {
    const smtp = provider({ maxConnections: 1 });
    const [connections, sent] = [server.connections(), server.sessions.length];
    const permanent = await failure(smtp.send(email('nobody@example.com')));
    assert.equal(permanent.kind, 'permanent');
    assert.equal(permanent.options.code, 'smtp_550');
    const transient = await failure(smtp.send(email('busy@example.com')));
    assert.equal(transient.kind, 'transient');
    assert.equal(transient.options.code, 'smtp_451');
    await smtp.send(email('ada@example.com'));
    await smtp.send(email('bob@example.com'));
    assert.equal(server.sessions.length - sent, 2);
    assert.equal(server.connections() - connections, 1, 'the refusals were followed by RSET on the same connection');
  });

  test('a connection lost mid-session fails its message as transient and the next sends go over a new one', async () => {
    const smtp = provider({ maxConnections: 1 });
    await smtp.send(email('first@example.com'));
    const connections = server.connections();

    const lostAtRcpt = await failure(smtp.send(email('drop-rcpt@example.com')));
    assert.equal(lostAtRcpt.kind, 'transient');
    assert.equal(lostAtRcpt.options.maybeSent, undefined, 'lost before DATA: nothing was handed over');
    await smtp.send(email('second@example.com'));

    const lostAfterData = await failure(smtp.send(email('drop-data@example.com')));
    assert.equal(lostAfterData.kind, 'transient');
    assert.equal(lostAfterData.options.maybeSent, true, 'lost after the message went out: it may have been taken');
    await smtp.send(email('third@example.com'));
    assert.equal(server.connections() - connections, 2);
  });

  test('a free connection the server hangs up on is replaced, and no send fails', async () => {
    const smtp = provider({ maxConnections: 2 });
    await Promise.all([smtp.send(email('a@example.com')), smtp.send(email('b@example.com'))]);
    const connections = server.connections();
    server.dropAll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([smtp.send(email('c@example.com')), smtp.send(email('d@example.com'))]);
    assert.equal(server.connections() - connections, 2);
  });

  test('close() fails the sends waiting for a connection and lets the one on the wire finish', async () => {
    let releaseData: (() => void) | undefined;
    const slow = await startServer({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          releaseData = () => callback();
        });
      },
    });
    try {
      const smtp = new SmtpProvider({ url: slow.url, from: 'hello@godwit.example', maxConnections: 1 });
      const onTheWire = smtp.send(email('first@example.com'));
      const queued = [smtp.send(email('second@example.com')), smtp.send(email('third@example.com'))];
      await until(() => releaseData !== undefined);
      smtp.close();
      for (const send of queued) assert.equal((await failure(send)).kind, 'transient');
      assert.equal((await failure(smtp.send(email('late@example.com')))).kind, 'transient');
      releaseData?.();
      assert.equal((await onTheWire).status, 'sent');
      await until(() => slow.closes() === 1);
      assert.equal(slow.closes(), 1, 'the connection was closed once its message was done');
      assert.equal(slow.connections(), 1);
    } finally {
      await slow.close();
    }
  });

  test('when no connection can be opened, the sends waiting in line fail at once instead of one timeout each', async () => {
    // A server that accepts the connection but never greets.
    const mute = await startServer({ onConnect() {} });
    try {
      const smtp = new SmtpProvider({ url: mute.url, from: 'a@godwit.example', maxConnections: 1, timeoutMs: 300 });
      const started = performance.now();
      const errors = await Promise.all([1, 2, 3, 4].map((i) => failure(smtp.send(email(`w${i}@example.com`)))));
      const took = performance.now() - started;
      smtp.close();
      assert.deepEqual(
        errors.map((error) => error.kind),
        ['transient', 'transient', 'transient', 'transient'],
      );
      assert.ok(took < 900, `took ${Math.round(took)} ms for 4 sends behind one 300 ms connect timeout`);
      assert.equal(mute.connections(), 1);
    } finally {
      await mute.close();
    }
  });
});

describe('SmtpProvider logs in over STARTTLS when the URL has credentials', { timeout: 20_000 }, () => {
  const logins: { username?: string; secure: boolean }[] = [];
  let server: Awaited<ReturnType<typeof startServer>>;

  before(async () => {
    server = await startServer({
      authOptional: false,
      authMethods: ['PLAIN', 'LOGIN'],
      disabledCommands: [],
      onAuth(auth, session, callback) {
        logins.push({ username: auth.username, secure: session.secure });
        if (auth.username === 'godwit' && auth.password === 's3cret/+') return callback(null, { user: auth.username });
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
    });
  });
  after(() => server.close());

  // smtp-server's certificate is self-signed: the query option is read as nodemailer reads it.
  const url = (userinfo: string) => `${server.url.replace('//', `//${userinfo}@`)}?tls.rejectUnauthorized=false`;

  test('each connection logs in once, after STARTTLS, and then sends', async () => {
    const smtp = new SmtpProvider({ url: url('godwit:s3cret%2F%2B'), from: 'hello@godwit.example', maxConnections: 2 });
    try {
      const [connections, sent] = [server.connections(), server.sessions.length];
      await Promise.all([1, 2, 3, 4, 5, 6].map((i) => smtp.send(email(`u${i}@example.com`))));
      assert.equal(server.sessions.length - sent, 6);
      assert.equal(server.connections() - connections, 2);
      assert.deepEqual(logins.slice(-2), [
        { username: 'godwit', secure: true },
        { username: 'godwit', secure: true },
      ]);
    } finally {
      smtp.close();
    }
  });

  test('a refused login is transient (our configuration, not the message)', async () => {
    const smtp = new SmtpProvider({ url: url('godwit:wrong'), from: 'hello@godwit.example' });
    try {
      const error = await failure(smtp.send(email('u@example.com')));
      assert.equal(error.kind, 'transient');
      assert.equal(error.options.code, 'smtp_auth');
    } finally {
      smtp.close();
    }
  });
});

test('smtps:// speaks TLS from the first byte', { timeout: 20_000 }, async () => {
  const server = await startServer({ secure: true, disabledCommands: [] });
  const smtp = new SmtpProvider({
    url: `${server.url.replace('smtp:', 'smtps:')}?tls.rejectUnauthorized=false`,
    from: 'hello@godwit.example',
  });
  try {
    await smtp.send(email('ada@example.com'));
    assert.equal(server.sessions.length, 1);
  } finally {
    smtp.close();
    await server.close();
  }
});
