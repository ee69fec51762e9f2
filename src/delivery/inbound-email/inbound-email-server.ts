import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import type { InboundEmail } from './inbound-email.ts';

const MAX_BYTES = 10 * 1024 * 1024;

/**
 * The inbound SMTP listener (`GODWIT_INBOUND_SMTP_PORT`): takes mail for the inbound domain only (it
 * relays nothing), hands each message to InboundEmail, and answers 250 only once it is recorded; a
 * failure answers 451 so the sending server tries again later rather than the reply being lost.
 */
export class InboundEmailServer {
  private readonly server: SMTPServer;
  /** The port it listens on, once listening. */
  port: number | undefined;

  constructor(
    private readonly options: { domain: string; host: string; port: number; inbound: InboundEmail; logger?: Logger },
  ) {
    const domain = options.domain.toLowerCase();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      size: MAX_BYTES,
      banner: 'Godwit inbound mail',
      onRcptTo(address, _session, callback) {
        if (address.address.toLowerCase().endsWith(`@${domain}`)) return callback();
        callback(
          Object.assign(new Error(`5.1.1 <${address.address}>: this server takes mail for ${domain} only`), {
            responseCode: 550,
          }),
        );
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
            return callback(Object.assign(new Error('5.3.4 message too big'), { responseCode: 552 }));
          }
          const recipients = session.envelope.rcptTo.map((a) => a.address);
          this.options.inbound.receive({ raw: Buffer.concat(chunks), recipients }).then(
            (result) => {
              this.options.logger?.debug({ result }, 'inbound email');
              callback();
            },
            (error: unknown) => {
              this.options.logger?.error({ err: error }, 'recording inbound email failed');
              callback(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }));
            },
          );
        });
      },
    });
  }

  /** Resolves with the port it listens on. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.port = (this.server.server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  close(): Promise<void> {
    if (this.port === undefined) return Promise.resolve();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
