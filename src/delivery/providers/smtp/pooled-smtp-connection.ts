import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SmtpConnectionSettings } from './smtp-connection-settings.ts';

export type SmtpEnvelope = SMTPConnection.Envelope;
export type SmtpError = SMTPConnection.SMTPError;

/** One SMTP session of the pool: opened and logged in once, then one message after another. */
export class PooledSmtpConnection {
  /** Messages handed to this session, sent or not (the pool replaces it after `maxMessages`). */
  messages = 0;
  /** When it last went back to the pool (performance.now()). */
  idleSince = 0;
  private readonly connection: SMTPConnection;

  /** `onEnd` runs once when the session is over, whoever ended it. */
  constructor(
    private readonly settings: SmtpConnectionSettings,
    onEnd: () => void,
  ) {
    this.connection = new SMTPConnection(settings.connection);
    // Every error also reaches the callback of what was waiting on it (connect, login, send) or
    // ends an idle session (its 'end' follows); unheard, an 'error' event would crash the process.
    this.connection.on('error', () => {});
    this.connection.once('end', onEnd);
  }

  get alive(): boolean {
    return !this.connection.destroyed;
  }

  /** Connects, upgrades with STARTTLS when offered (unless `ignoreTLS`), and logs in when the URL has credentials. */
  open(): Promise<void> {
    const { auth, forceAuth } = this.settings;
    return new Promise((resolve, reject) => {
      let settled = false;
      const done = (error?: Error | null) => {
        if (settled) return;
        settled = true;
        this.connection.off('error', done).off('end', ended);
        if (!error) return resolve();
        this.connection.close();
        reject(error);
      };
      const ended = () => done(Object.assign(new Error('connection closed while opening'), { code: 'ECONNECTION' }));
      // Failures after the socket is up come as 'error' events, not through the callbacks.
      this.connection.on('error', done).once('end', ended);
      this.connection.connect((error) => {
        if (error || !auth || !(this.connection.allowsAuth || forceAuth)) return done(error);
        this.connection.login(auth, done);
      });
    });
  }

  send(envelope: SmtpEnvelope, raw: Buffer): Promise<SMTPConnection.SentMessageInfo> {
    this.messages += 1;
    return new Promise((resolve, reject) => {
      this.connection.send(envelope, raw, (error, info) => (error ? reject(this.located(error)) : resolve(info)));
    });
  }

  /**
   * After the server refused a message the session is still good but may hold a half-open
   * transaction (a sender without recipients): RSET before the next MAIL FROM, as nodemailer's pool
   * does. A 421 or any other error ends the session. Resolves whether the session can go on.
   */
  recover(error: SmtpError): Promise<boolean> {
    const refused = (error.code === 'EENVELOPE' || error.code === 'EMESSAGE') && error.responseCode !== 421;
    if (!refused || !this.alive) return Promise.resolve(false);
    return new Promise((resolve) => {
      // A session lost during RSET never calls back.
      const ended = () => resolve(false);
      this.connection.once('end', ended);
      this.connection.reset((resetError) => {
        this.connection.off('end', ended);
        resolve(!resetError);
      });
    });
  }

  /** Ends the session politely (QUIT), e.g. once it has sent its share of messages. */
  quit(): void {
    if (this.alive) this.connection.quit();
  }

  close(): void {
    this.connection.close();
  }

  /**
   * SMTPConnection reports every lost connection as command `CONN`. Once the server had answered
   * DATA with 354 the message was on its way and may have been taken: such an error is marked
   * `DATA`, which smtpDeliveryError reads as "maybe sent". Lost before that, nothing was handed over.
   */
  private located(error: SmtpError): SmtpError {
    const response = this.connection.lastServerResponse;
    if (error.responseCode === undefined && typeof response === 'string' && response.startsWith('3')) {
      error.command = 'DATA';
    }
    return error;
  }
}
