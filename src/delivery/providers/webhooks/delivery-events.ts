import { messageIdentityOf } from '../../../profiles/message-identity.ts';
import type { NewEvent, Store } from '../../../storage/store.ts';
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
 * Where status webhooks report to. The delivery core (outbox) implements it to settle its rows;
 * `TimelineDeliveryEvents` puts them on the customer's timeline. Must be idempotent: providers
 * retry webhooks.
 */
export interface DeliveryEvents {
  record(event: DeliveryEvent): Promise<void>;
}

const EVENT_NAMES: Record<Exclude<DeliveryEvent['status'], 'queued'>, string> = {
  sent: 'Message Sent',
  delivered: 'Message Delivered',
  read: 'Message Read',
  failed: 'Message Failed',
};

/** Each status once per provider message: the messageId comes from the provider's id and the status. */
export class TimelineDeliveryEvents implements DeliveryEvents {
  constructor(private readonly options: { store: Store; onAppended?: () => void }) {}

  async record(event: DeliveryEvent): Promise<void> {
    if (event.status === 'queued' || !event.customerId) return;
    const identities = await this.options.store.identitiesOf(event.workspaceId, event.customerId);
    const identity = messageIdentityOf(identities);
    if (!identity) return;
    const name = EVENT_NAMES[event.status];
    const properties = {
      channel: event.channel,
      provider: event.provider,
      provider_message_id: event.providerMessageId,
      provider_status: event.providerStatus,
      ...(event.idempotencyKey ? { idempotency_key: event.idempotencyKey } : {}),
      ...(event.error ? { error_code: event.error.code, error_message: event.error.message } : {}),
    };
    const messageId = `${event.provider}:${event.providerMessageId}:${event.providerStatus}`;
    await this.options.store.appendEvents([
      trackEvent({ workspaceId: event.workspaceId, messageId, name, identity, properties, at: event.at }),
    ]);
    this.options.onAppended?.();
  }
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
