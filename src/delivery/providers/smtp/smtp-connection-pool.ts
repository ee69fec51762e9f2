import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { FifoQueue } from './fifo-queue.ts';
import { PooledSmtpConnection, type SmtpEnvelope, type SmtpError } from './pooled-smtp-connection.ts';
import type { SmtpConnectionSettings } from './smtp-connection-settings.ts';

export interface SmtpConnectionPoolOptions {
  readonly settings: SmtpConnectionSettings;
  readonly maxConnections: number;
  /** Messages over one session before it is replaced by a fresh one. */
  readonly maxMessages: number;
}

interface Waiter {
  resolve(connection: PooledSmtpConnection): void;
  reject(error: Error): void;
}

/**
 * RFC 5321 asks servers to keep an idle session at least 5 minutes; one idle longer than this is
 * not reused, so it is never the server that hangs up on a message we just started (nodemailer's figure).
 */
const IDLE_LIMIT_MS = 4 * 60_000;

/**
 * Open SMTP sessions shared by concurrent sends, over nodemailer's SMTPConnection. Sessions are
 * opened on demand up to `maxConnections`; a send that finds none free waits in line. A session
 * that fails or is closed by the server is dropped (its message fails) and the next send in line
 * opens a new one; a refused message is followed by RSET and the session reused.
 */
export class SmtpConnectionPool {
  /** Free sessions, most recently used last, so a quiet period lets the others age out. */
  private readonly idle: PooledSmtpConnection[] = [];
  private readonly waiting = new FifoQueue<Waiter>();
  /** Sessions counted against maxConnections: opening, idle or sending. */
  private opened = 0;
  private connecting = 0;
  private closed = false;

  constructor(private readonly options: SmtpConnectionPoolOptions) {}

  async send(envelope: SmtpEnvelope, raw: Buffer): Promise<SMTPConnection.SentMessageInfo> {
    const connection = await this.acquire();
    try {
      const info = await connection.send(envelope, raw);
      this.release(connection);
      return info;
    } catch (error) {
      connection
        .recover(error as SmtpError)
        .then((reusable) => (reusable ? this.release(connection) : this.retire(connection)));
      throw error;
    }
  }

  /** Fails the sends waiting for a session and ends the free sessions; a message on the wire finishes first. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let waiter = this.waiting.shift(); waiter; waiter = this.waiting.shift()) waiter.reject(poolClosedError());
    for (const connection of this.idle.splice(0)) this.drop(connection);
  }

  private acquire(): Promise<PooledSmtpConnection> {
    if (this.closed) return Promise.reject(poolClosedError());
    const now = performance.now();
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (now - connection.idleSince < IDLE_LIMIT_MS) return Promise.resolve(connection);
      this.retire(connection);
    }
    if (this.opened < this.options.maxConnections) return this.open();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private open(): Promise<PooledSmtpConnection> {
    this.opened += 1;
    this.connecting += 1;
    const connection: PooledSmtpConnection = new PooledSmtpConnection(this.options.settings, () =>
      this.ended(connection),
    );
    return connection.open().then(
      () => {
        this.connecting -= 1;
        if (!this.closed) return connection;
        this.drop(connection);
        throw poolClosedError();
      },
      (error: Error) => {
        this.connecting -= 1;
        this.opened -= 1;
        // With no session up the server is unreachable for everyone in line too; failing them now
        // beats trying again for each in turn (a connect timeout apiece) while their sends time out.
        if (this.opened === this.connecting) {
          for (let waiter = this.waiting.shift(); waiter; waiter = this.waiting.shift()) waiter.reject(error);
        }
        throw error;
      },
    );
  }

  /** Hands a session that finished a message to the next in line, or back to the free list. */
  private release(connection: PooledSmtpConnection): void {
    if (this.closed || !connection.alive || connection.messages >= this.options.maxMessages) {
      this.retire(connection);
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) {
      waiter.resolve(connection);
    } else {
      connection.idleSince = performance.now();
      this.idle.push(connection);
    }
  }

  /** Ends a session that is not free (done, broken or stale) and opens its successor if someone waits. */
  private retire(connection: PooledSmtpConnection): void {
    if (connection.alive) connection.quit();
    this.opened -= 1;
    const waiter = this.closed ? undefined : this.waiting.shift();
    if (waiter) this.open().then(waiter.resolve, waiter.reject);
  }

  private drop(connection: PooledSmtpConnection): void {
    this.opened -= 1;
    connection.close();
  }

  /** A free session the server closed (idle timeout, shutdown) leaves the free list; a busy one is retired by its sender. */
  private ended(connection: PooledSmtpConnection): void {
    const at = this.idle.indexOf(connection);
    if (at === -1) return;
    this.idle.splice(at, 1);
    this.opened -= 1;
  }
}

function poolClosedError(): Error {
  return Object.assign(new Error('the SMTP connection pool was closed'), { code: 'ECONNECTION' });
}
