import type { DeliveryEventKind, MessageStatus } from '../storage/delivery-store.ts';
import type { DeliveryEvents } from './delivery-events.ts';
import type { DeliveryEvent, StatusEventSink } from './providers/webhooks/delivery-events.ts';
import { isHardBounce } from './suppression/hard-bounce.ts';

const KINDS: Record<Exclude<DeliveryEvent['status'], 'queued'>, DeliveryEventKind> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'opened',
  failed: 'bounced',
};

/** A later status moves the message on; `sent` never moves a delivered message back. */
const STATUSES: Partial<Record<DeliveryEvent['status'], MessageStatus>> = { delivered: 'delivered', failed: 'bounced' };

/**
 * Provider status webhooks (Twilio, WhatsApp) recorded through the one DeliveryEvents: the outbox row
 * they name (by our key when the provider hands it back, else by the provider's message id) moves on,
 * and the timeline gets `Message Delivered` / `Opened` (read) / `Bounced` once per provider status.
 */
export class OutboxStatusEvents implements StatusEventSink {
  constructor(private readonly events: Pick<DeliveryEvents, 'record'>) {}

  async record(event: DeliveryEvent): Promise<void> {
    if (event.status === 'queued') return;
    const ref = event.idempotencyKey
      ? { workspaceId: event.workspaceId, idempotencyKey: event.idempotencyKey }
      : { provider: event.provider, providerMessageId: event.providerMessageId };
    // A failure whose code says the number is gone is a hard bounce: the address is suppressed with it.
    const hard = event.status === 'failed' && isHardBounce(event.error?.code, event.error?.message);
    await this.events.record({
      ...ref,
      kind: KINDS[event.status],
      at: event.at,
      status: STATUSES[event.status],
      detail: {
        provider: event.provider,
        provider_status: event.providerStatus,
        ...(event.error ? { error_code: event.error.code, error_message: event.error.message } : {}),
        ...(event.status === 'failed' ? { bounce: hard ? 'hard' : 'soft' } : {}),
      },
      // The send itself is on the timeline from the outbox; later words from the provider are events.
      timeline: event.status !== 'sent',
      dedupe: event.providerStatus,
      ...(event.customerId
        ? { fallback: { workspaceId: event.workspaceId, customerId: event.customerId, channel: event.channel } }
        : {}),
      ...(hard ? { suppress: 'hard_bounce' as const } : {}),
    });
  }
}
