import type { Channel, MessageClass } from './channel-choice.ts';

/**
 * The one interface every provider adapter implements (SMTP, Twilio, WhatsApp, web push, in-app,
 * webhooks, the dev sink). Delivery workers call `send` with a rendered message; adapters never
 * see the outbox, the store or templates.
 */

export interface EmailContent {
  readonly channel: 'email';
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly from?: string;
  readonly replyTo?: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SmsContent {
  readonly channel: 'sms';
  readonly text: string;
}

export interface VoiceContent {
  readonly channel: 'voice';
  /** Spoken with TwiML <Say>. */
  readonly say: string;
  /** BCP 47, e.g. en-US or zh-CN. */
  readonly language: string;
}

export interface WhatsAppContent {
  readonly channel: 'whatsapp';
  /** An approved template's name and language, with its body parameters in order. */
  readonly template: string;
  readonly language: string;
  readonly parameters: readonly string[];
}

export interface PushContent {
  readonly channel: 'push';
  readonly title: string;
  readonly body: string;
  readonly url?: string;
}

export interface InAppContent {
  readonly channel: 'in_app';
  readonly title: string;
  readonly body: string;
  readonly actions: readonly { readonly label: string; readonly url: string }[];
}

export interface WebhookContent {
  readonly channel: 'webhook';
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly body: unknown;
}

export type MessageContent =
  | EmailContent
  | SmsContent
  | VoiceContent
  | WhatsAppContent
  | PushContent
  | InAppContent
  | WebhookContent;

export type DeliveryChannel = Channel | 'webhook';

export interface OutboundMessage {
  /** The outbox key (`runId:nodeId:visit`); adapters pass it on where the provider dedupes by key. */
  readonly idempotencyKey: string;
  readonly workspaceId: string;
  readonly customerId: string;
  /** Email address, E.164 phone, push subscription JSON, customer id (in-app) or URL (webhook). */
  readonly address: string;
  readonly messageClass: MessageClass;
  readonly content: MessageContent;
}

/** What a provider said. `delivered` only where the provider confirms delivery synchronously (the dev sink). */
export interface SendReceipt {
  readonly providerMessageId: string;
  readonly status: 'sent' | 'delivered';
}

/**
 * A failed send, typed by what a retry would do: `transient` (timeouts, 5xx, 429: retry with
 * backoff, after `retryAfterMs` if the provider said so) or `permanent` (invalid address, rejected
 * content, 4xx: never retry).
 */
export class DeliveryError extends Error {
  constructor(
    readonly kind: 'transient' | 'permanent',
    message: string,
    readonly options: {
      readonly code?: string;
      readonly retryAfterMs?: number;
      /** No answer, but the request may have reached the provider (a timeout, a connection lost mid-send). */
      readonly maybeSent?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface ChannelProvider {
  /** Names the provider in configuration, metrics, limits and the circuit breaker. */
  readonly name: string;
  readonly channels: readonly DeliveryChannel[];
  /**
   * Whether the provider dedupes by our idempotency key: if so, a send whose outcome was lost in a
   * crash is simply sent again; if not, it is reported as "possibly sent" and not repeated.
   */
  readonly idempotent: boolean;
  /** Resolves with a receipt, or rejects with a DeliveryError (anything else counts as transient). */
  send(message: OutboundMessage): Promise<SendReceipt>;
}
