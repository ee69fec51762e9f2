import type { MessageContent } from '../delivery/provider.ts';
import type { RenderableEntry, RenderProfile, TemplateRendererOptions } from './template-renderer.ts';

/**
 * The TemplateRenderer hooks wired to delivery's tracking and unsubscribe links (ChannelKit):
 * `{{ links.unsubscribe }}` in every template, and for email, signed click links with an open
 * pixel, plus RFC 8058 List-Unsubscribe headers on all but transactional messages.
 */
export interface DeliveryLinks {
  trackEmail(html: string, message: { workspaceId: string; customerId: string; idempotencyKey: string }): string;
  unsubscribeHeaders(message: {
    workspaceId: string;
    customerId: string;
    channel?: string;
    topic: string;
  }): Record<'List-Unsubscribe' | 'List-Unsubscribe-Post', string>;
  /** Where replies to this message should go (the inbound listener), if anywhere. */
  replyAddress?(message: { workspaceId: string; idempotencyKey: string }): string | undefined;
}

export function deliveryHooks(links: DeliveryLinks): Pick<TemplateRendererOptions, 'links' | 'finish'> {
  const headersOf = (entry: RenderableEntry, customer: RenderProfile) =>
    links.unsubscribeHeaders({
      workspaceId: entry.workspaceId,
      customerId: customer.id,
      channel: entry.channel ?? 'email',
      topic: topicOf(entry),
    });
  return {
    links: (entry, customer) => ({ unsubscribe: headersOf(entry, customer)['List-Unsubscribe'].slice(1, -1) }),
    finish: (content: MessageContent, entry, customer) => {
      if (content.channel !== 'email') return content;
      const html = links.trackEmail(content.html, {
        workspaceId: entry.workspaceId,
        customerId: customer.id,
        idempotencyKey: entry.idempotencyKey,
      });
      const transactional = entry.payload.messageClass === 'transactional';
      // A template's own Reply-To (a support address) wins over the signed reply address.
      const replyTo = content.replyTo ?? links.replyAddress?.(entry);
      return {
        ...content,
        html,
        ...(replyTo ? { replyTo } : {}),
        ...(transactional ? {} : { headers: { ...content.headers, ...headersOf(entry, customer) } }),
      };
    },
  };
}

/** The subscription group the message names, else its class: what one-click unsubscribe turns off. */
function topicOf(entry: RenderableEntry): string {
  const { topic, messageClass } = entry.payload;
  if (typeof topic === 'string') return topic;
  return typeof messageClass === 'string' ? messageClass : 'marketing';
}
