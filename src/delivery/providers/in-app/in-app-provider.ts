import type { ChannelProvider, OutboundMessage, SendReceipt } from '../../provider.ts';
import { DeliveryError } from '../../provider.ts';
import type { InAppHub } from './in-app-hub.ts';

/**
 * In-app messages: stored for the customer (keyed by the outbox key, so a repeated send stores
 * nothing new) and pushed at once to the customer's open browser streams. `sent` means stored;
 * the browser receiving it is reported later as `Message Delivered`.
 */
export function createInAppProvider(hub: InAppHub): ChannelProvider {
  return {
    name: 'in_app',
    channels: ['in_app'],
    idempotent: true,
    async send(message: OutboundMessage): Promise<SendReceipt> {
      const { content } = message;
      if (content.channel !== 'in_app') {
        throw new DeliveryError('permanent', `in-app cannot send ${content.channel}`, { code: 'wrong_channel' });
      }
      await hub.add({
        workspaceId: message.workspaceId,
        id: message.idempotencyKey,
        customerId: message.customerId,
        content: JSON.stringify({ title: content.title, body: content.body, actions: content.actions }),
      });
      return { providerMessageId: `in_app:${message.idempotencyKey}`, status: 'sent' };
    },
  };
}
