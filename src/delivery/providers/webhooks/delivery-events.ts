import type { NewEvent } from '../../../storage/store.ts';
import type { DeliveryChannel } from '../../provider.ts';

/** A provider's word on a message it took: from a status callback or a status webhook. */
export interface DeliveryEvent {
  readonly workspaceId: string;
  readonly provider: string;
  readonly channel: DeliveryChannel;
  readonly providerMessageId: string;
  /** Ours, when the provider hands it back (Twilio: the callback URL; WhatsApp: biz_opaque_callback_data). */
  readonly idempotencyKey?: string;
  readonly customerId?: string;
  readonly status: 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
  /** The provider's own status word (undelivered, no-answer …). */
  readonly providerStatus: string;
  readonly at: number;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * Where status webhooks report to: `OutboxStatusEvents` (src/delivery), which records them through the
 * one DeliveryEvents. Must be idempotent: providers retry webhooks.
 */
export interface StatusEventSink {
  record(event: DeliveryEvent): Promise<void>;
}

/** A synthetic track event for the log, shaped like an ingested one. */
export function trackEvent(options: {
  workspaceId: string;
  messageId: string;
  name: string;
  identity: { userId: string | null; anonymousId: string | null };
  properties: Record<string, unknown>;
  at: number;
  traits?: Record<string, unknown>;
}): NewEvent {
  const { workspaceId, messageId, name, identity, properties, at } = options;
  const timestamp = new Date(at).toISOString();
  const type = options.traits ? 'identify' : 'track';
  const payload = {
    type,
    messageId,
    userId: identity.userId,
    anonymousId: identity.anonymousId,
    ...(options.traits ? { traits: options.traits } : { event: name, properties }),
    timestamp,
    receivedAt: timestamp,
    context: { godwit: { source: 'provider-webhook' } },
  };
  return {
    workspaceId,
    messageId,
    type,
    event: options.traits ? null : name,
    userId: identity.userId,
    anonymousId: identity.anonymousId,
    timestamp: at,
    receivedAt: at,
    payload: JSON.stringify(payload),
  };
}
