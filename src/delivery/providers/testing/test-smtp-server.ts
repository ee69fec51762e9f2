import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server for tests: it answers RCPT the way mail servers do (`nobody@…` is 550 5.1.1
 * user unknown, `blocked@…` 550 5.7.1 policy, `busy@…` 451) and parses every message it accepts.
 */
export async function startTestSmtpServer(
  options: {
    onMessage?: (mail: ParsedMail) => void /** Before the 250 to DATA: a window to crash in. */;
    delayMs?: () => number;
  } = {},
) {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const reject = (code: number, text: string) => callback(Object.assign(new Error(text), { responseCode: code }));
      const to = address.address.toLowerCase();
      if (to.startsWith('nobody@')) return reject(550, '5.1.1 No such user here');
      if (to.startsWith('blocked@')) return reject(550, '5.7.1 Message refused by policy');
      if (to.startsWith('busy@')) return reject(451, '4.2.1 Try again later');
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        received.push(mail);
        options.onMessage?.(mail);
        setTimeout(() => callback(), options.delayMs?.() ?? 0);
      }, callback);
    },
  });
  // A client that dies mid-session (the crash drill SIGKILLs it) resets its connection: expected here.
  server.on('error', () => {});
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)),
  );
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
