import type { ChannelProvider, OutboundMessage, SendReceipt } from '../../provider.ts';
import { DeliveryError } from '../../provider.ts';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.ts';

export interface WebhookProviderOptions {
  /** The workspace's signing secret (created on first use by WorkspaceSecrets.webhookSecret). */
  secretFor(workspaceId: string): Promise<string>;
  now?: () => number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Outbound webhooks, as journeys' webhook nodes write them (`{ url, method, body }`): the JSON body
 * signed with the workspace's secret, and the outbox key as `Idempotency-Key` so a receiver can
 * drop the repeat a retry after a lost answer sends. 2xx is sent; 408, 429, 5xx, timeouts and
 * network errors are worth a retry; any other answer is permanent.
 */
export function createWebhookProvider(options: WebhookProviderOptions): ChannelProvider {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const request = options.fetch ?? fetch;
  return {
    name: 'webhook',
    channels: ['webhook'],
    // Receivers are asked to dedupe by Idempotency-Key; a send lost in a crash is sent again with the same key.
    idempotent: true,
    async send(message: OutboundMessage): Promise<SendReceipt> {
      const { content } = message;
      if (content.channel !== 'webhook') {
        throw new DeliveryError('permanent', `the webhook provider cannot send ${content.channel}`, {
          code: 'wrong_channel',
        });
      }
      const body = JSON.stringify(content.body ?? {});
      const secret = await options.secretFor(message.workspaceId);
      let response: Response;
      try {
        response = await request(content.url, {
          method: content.method,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Godwit-Webhooks/1',
            'idempotency-key': message.idempotencyKey,
            [SIGNATURE_HEADER]: signWebhook({ secret, body, at: now() }),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : String(error);
        throw new DeliveryError('transient', `webhook ${content.url}: ${reason}`, { code: 'network' });
      }
      await response.body?.cancel();
      return receiptOf(response, message.idempotencyKey, content.url);
    },
  };
}

function receiptOf(response: Response, key: string, url: string): SendReceipt {
  const { status } = response;
  if (status >= 200 && status < 300) return { providerMessageId: key, status: 'sent' };
  const message = `webhook ${url} answered ${status}`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = retryAfter(response.headers.get('retry-after'));
    throw new DeliveryError('transient', message, {
      code: `http_${status}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  throw new DeliveryError('permanent', message, { code: `http_${status}` });
}

/** Retry-After in seconds (dates are rare from webhook receivers and read as absent). */
export function retryAfter(header: string | null): number | undefined {
  const seconds = Number(header);
  return header !== null && header.trim() !== '' && Number.isFinite(seconds) && seconds >= 0
    ? seconds * 1000
    : undefined;
}
