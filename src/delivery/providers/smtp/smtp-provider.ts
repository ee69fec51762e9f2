import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ChannelProvider, DeliveryChannel, EmailContent, OutboundMessage, SendReceipt } from '../../provider.ts';
import { DeliveryError } from '../../provider.ts';
import { SmtpConnectionPool } from './smtp-connection-pool.ts';
import { smtpConnectionSettings } from './smtp-connection-settings.ts';
import { smtpDeliveryError } from './smtp-errors.ts';

export interface SmtpProviderOptions {
  /** `smtp://user:pass@host:587` or `smtps://…:465`; nodemailer reads the rest of its options from the query. */
  readonly url: string;
  /** The default From; a message's own `from` wins. */
  readonly from: string;
  /** Pooled connections held open to the server (default 5). */
  readonly maxConnections?: number;
  /** Messages sent over one connection before it is replaced (default 100). */
  readonly maxMessages?: number;
  /** Connect, greeting and socket timeouts (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * Email over SMTP through a pool of open connections. The message is composed by nodemailer's
 * MailComposer and sent over its SMTPConnection by our own pool: nodemailer's Mailer and pooled
 * transport cost about a third more CPU per message for features unused here.
 */
export class SmtpProvider implements ChannelProvider {
  readonly name = 'smtp';
  readonly channels: readonly DeliveryChannel[] = ['email'];
  // SMTP has no idempotency keys: a send whose reply was lost may have been delivered.
  readonly idempotent = false;
  private readonly pool: SmtpConnectionPool;

  constructor(private readonly options: SmtpProviderOptions) {
    this.pool = new SmtpConnectionPool({
      settings: smtpConnectionSettings(options.url, options.timeoutMs ?? 30_000),
      maxConnections: options.maxConnections ?? 5,
      maxMessages: options.maxMessages ?? 100,
    });
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const content = message.content;
    if (content.channel !== 'email') {
      throw new DeliveryError('permanent', `smtp sends email, not ${content.channel}`, { code: 'wrong_channel' });
    }
    const from = content.from ?? this.options.from;
    const messageId = messageIdFor(message, from);
    try {
      const mail = new MailComposer({
        from,
        to: message.address,
        replyTo: content.replyTo,
        subject: content.subject,
        html: content.html,
        text: content.text,
        messageId,
        headers: headersOf(content),
      }).compile();
      await this.pool.send(mail.getEnvelope(), await mail.build());
      return { providerMessageId: messageId, status: 'sent' };
    } catch (error) {
      throw smtpDeliveryError(error);
    }
  }

  /** Closes the pooled connections; sends waiting for one fail, a message on the wire finishes first. */
  close(): void {
    this.pool.close();
  }
}

/**
 * The same outbox key always gives the same Message-ID, so a resend after a lost reply is
 * recognisable downstream (receivers and mailbox providers thread or drop duplicates by it).
 */
export function messageIdFor(message: Pick<OutboundMessage, 'workspaceId' | 'idempotencyKey'>, from: string): string {
  return `<${messageHash(message)}@${domainOf(from) ?? 'godwit.invalid'}>`;
}

/** `Acme <hi@acme.example>` → `acme.example`. */
export function domainOf(from: string): string | undefined {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1]?.toLowerCase();
}

/** 32 hex digits naming one message: the Message-ID's local part, and what a reply address carries. */
export function messageHash(message: Pick<OutboundMessage, 'workspaceId' | 'idempotencyKey'>): string {
  return createHash('sha256')
    .update(`${message.workspaceId}\u0000${message.idempotencyKey}`)
    .digest('hex')
    .slice(0, 32);
}

/** List-Unsubscribe-Post means nothing without List-Unsubscribe (RFC 8058 §3.1), so it is dropped alone. */
function headersOf(content: EmailContent): Record<string, string> {
  const headers = { ...content.headers };
  const has = (name: string) => Object.keys(headers).some((key) => key.toLowerCase() === name);
  if (has('list-unsubscribe-post') && !has('list-unsubscribe')) {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'list-unsubscribe-post') delete headers[key];
  }
  return headers;
}
