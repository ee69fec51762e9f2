import type { ChannelProvider, DeliveryChannel, OutboundMessage, SendReceipt } from '../../provider.ts';
import { DeliveryError } from '../../provider.ts';
import { whatsAppDeliveryError } from './whatsapp-errors.ts';

export interface WhatsAppProviderOptions {
  /** `https://graph.facebook.com/v21.0`, or a compatible API. */
  readonly baseUrl: string;
  readonly phoneNumberId: string;
  readonly token: string;
  readonly timeoutMs?: number;
}

/** What Godwit asks WhatsApp to hand back in status webhooks (biz_opaque_callback_data, at most 512 characters). */
export interface WhatsAppCallbackData {
  readonly w: string;
  readonly c: string;
  readonly k: string;
}

/** Template messages through the WhatsApp Cloud API, and text replies within the customer service window. */
export class WhatsAppProvider implements ChannelProvider {
  readonly name = 'whatsapp';
  readonly channels: readonly DeliveryChannel[] = ['whatsapp'];
  // The Cloud API takes no idempotency key.
  readonly idempotent = false;

  constructor(private readonly options: WhatsAppProviderOptions) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const { content } = message;
    if (content.channel !== 'whatsapp') {
      throw new DeliveryError('permanent', `whatsapp sends whatsapp templates, not ${content.channel}`, {
        code: 'wrong_channel',
      });
    }
    const callback: WhatsAppCallbackData = { w: message.workspaceId, c: message.customerId, k: message.idempotencyKey };
    const opaque = JSON.stringify(callback);
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: message.address.replace(/^\+/, ''),
      type: 'template',
      template: {
        name: content.template,
        language: { code: content.language },
        components:
          content.parameters.length > 0
            ? [{ type: 'body', parameters: content.parameters.map((text) => ({ type: 'text', text })) }]
            : [],
      },
      ...(opaque.length <= 512 ? { biz_opaque_callback_data: opaque } : {}),
    };
    return { providerMessageId: messageIdOf(await this.post(body)), status: 'sent' };
  }

  /**
   * A free-form text answering the customer: WhatsApp delivers one only within 24 hours of the
   * customer's last message (outside that window a template is needed), so it is for replies, not
   * for starting a conversation. `replyTo` quotes their message. Resolves with the message id.
   */
  async sendText(options: { readonly to: string; readonly text: string; readonly replyTo?: string }): Promise<string> {
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: options.to.replace(/^\+/, ''),
      type: 'text',
      text: { body: options.text, preview_url: false },
      ...(options.replyTo ? { context: { message_id: options.replyTo } } : {}),
    };
    return messageIdOf(await this.post(body));
  }

  private async post(body: unknown): Promise<unknown> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/${this.options.phoneNumberId}/messages`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new DeliveryError('transient', `whatsapp: ${(error as Error).message}`, { code: 'whatsapp_network' });
    }
    const answer = await response.json().catch(() => undefined);
    if (!response.ok)
      throw whatsAppDeliveryError({
        status: response.status,
        body: answer,
        retryAfter: response.headers.get('retry-after'),
      });
    return answer ?? {};
  }
}

function messageIdOf(answer: unknown): string {
  const id = (answer as { messages?: { id?: unknown }[] }).messages?.[0]?.id;
  if (typeof id !== 'string')
    throw new DeliveryError('transient', 'whatsapp: answer without a message id', { code: 'whatsapp_bad_answer' });
  return id;
}
