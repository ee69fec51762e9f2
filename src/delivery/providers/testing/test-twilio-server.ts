import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TwilioShapedMessage {
  readonly sid: string;
  readonly to: string;
  readonly body: string;
  readonly token: string | undefined;
}

/**
 * A local server speaking Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`, HTTP
 * Basic auth with the account SID and auth token, form fields, `201` with the message's `sid`) that
 * dedupes by `I-Twilio-Idempotency-Token`: a repeated token answers the first message's sid and sends
 * nothing. A message counts as sent when its request arrives, before the answer (which waits `delayMs`).
 */
export async function startTestTwilioServer(options: {
  accountSid: string;
  authToken: string;
  delayMs?: () => number;
}) {
  const messages: TwilioShapedMessage[] = [];
  const byToken = new Map<string, TwilioShapedMessage>();
  let repeats = 0;
  const auth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== auth) return answer(401, { code: 20003, message: 'Authenticate', status: 401 });
      if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${options.accountSid}/Messages.json`) {
        return answer(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const token = req.headers['i-twilio-idempotency-token'] as string | undefined;
      let message = token ? byToken.get(token) : undefined;
      if (message) repeats += 1;
      else {
        message = {
          sid: `SM${(messages.length + 1).toString(16).padStart(32, '0')}`,
          to: form.get('To') ?? '',
          body: form.get('Body') ?? '',
          token,
        };
        messages.push(message);
        if (token) byToken.set(token, message);
      }
      const { sid, to, body } = message;
      setTimeout(() => answer(201, { sid, to, body, status: 'queued' }), options.delayMs?.() ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Every message sent (a repeated token adds none). */
    messages,
    /** Requests that repeated a token already seen: sends Godwit made again, deduped here. */
    repeats: () => repeats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
