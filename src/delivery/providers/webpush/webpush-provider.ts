import { Agent } from 'node:https';
import webpush from 'web-push';
import type { ChannelProvider, OutboundMessage, SendReceipt } from '../../provider.ts';
import { DeliveryError } from '../../provider.ts';
import { retryAfter } from '../webhook/webhook-provider.ts';

export interface VapidKeys {
  readonly publicKey: string;
  readonly privateKey: string;
}

export interface WebPushProviderOptions {
  /** The workspace's VAPID key pair (created on first use, stored sealed). */
  vapidFor(workspaceId: string): Promise<VapidKeys>;
  /** `mailto:` or `https:` contact the push service may use about our traffic. */
  subject: string;
  /** How long a push service keeps an undelivered message (default a day). */
  ttlSeconds?: number;
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM), for a push service with a private CA such as a test one. */
  trustedCa?: string;
}

interface Subscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/**
 * Web push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291), through the
 * `web-push` package. The address is the browser's PushSubscription JSON. 404 and 410 mean the
 * subscription is gone (permanent); 429 and 5xx are retried.
 */
export function createWebPushProvider(options: WebPushProviderOptions): ChannelProvider {
  const agent = options.trustedCa ? new Agent({ ca: options.trustedCa, keepAlive: true }) : undefined;
  return {
    name: 'webpush',
    channels: ['push'],
    // Push services do not dedupe; a send lost in a crash is reported as possibly sent.
    idempotent: false,
    async send(message: OutboundMessage): Promise<SendReceipt> {
      const { content } = message;
      if (content.channel !== 'push') {
        throw new DeliveryError('permanent', `web push cannot send ${content.channel}`, { code: 'wrong_channel' });
      }
      const subscription = parseSubscription(message.address);
      const vapid = await options.vapidFor(message.workspaceId);
      const payload = JSON.stringify({
        title: content.title,
        body: content.body,
        url: content.url,
        id: message.idempotencyKey,
      });
      try {
        const result = await webpush.sendNotification(subscription, payload, {
          vapidDetails: { subject: options.subject, ...vapid },
          TTL: options.ttlSeconds ?? 86_400,
          contentEncoding: 'aes128gcm',
          urgency: message.messageClass === 'marketing' ? 'low' : 'normal',
          timeout: options.timeoutMs ?? 10_000,
          ...(agent ? { agent } : {}),
        });
        const location = result.headers.location;
        return { providerMessageId: typeof location === 'string' ? location : message.idempotencyKey, status: 'sent' };
      } catch (error) {
        throw deliveryErrorOf(error);
      }
    },
  };
}

export function parseSubscription(address: string): Subscription {
  try {
    const value = JSON.parse(address) as Subscription;
    if (
      typeof value.endpoint === 'string' &&
      /^https?:\/\//.test(value.endpoint) &&
      value.keys?.p256dh &&
      value.keys?.auth
    ) {
      return { endpoint: value.endpoint, keys: { p256dh: value.keys.p256dh, auth: value.keys.auth } };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new DeliveryError('permanent', 'the push address is not a PushSubscription JSON', { code: 'invalid_address' });
}

function deliveryErrorOf(error: unknown): DeliveryError {
  if (error instanceof webpush.WebPushError) {
    const status = error.statusCode;
    const message = `push service answered ${status}: ${error.body?.slice(0, 200) ?? ''}`.trim();
    if (status === 404 || status === 410) return new DeliveryError('permanent', message, { code: 'subscription_gone' });
    if (status === 429 || status >= 500) {
      const header = error.headers?.['retry-after'];
      const retryAfterMs = retryAfter(typeof header === 'string' ? header : null);
      return new DeliveryError('transient', message, {
        code: `http_${status}`,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    return new DeliveryError('permanent', message, { code: `http_${status}` });
  }
  return new DeliveryError('transient', `push service unreachable: ${String(error)}`, { code: 'network' });
}
