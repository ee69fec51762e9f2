import { createHash } from 'node:crypto';
import { messageIdentityOf } from '../../profiles/message-identity.ts';
import type { NewEvent, Store } from '../../storage/store.ts';

/** What a recipient did with a message, as the delivery core's `delivery_events` records it. */
export interface DeliveryEventInput {
  readonly workspaceId: string;
  readonly customerId: string;
  /** The outbox key of the message. */
  readonly idempotencyKey: string;
  readonly kind: 'delivered' | 'opened' | 'clicked';
  readonly at: number;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** The delivery core's event sink (store.delivery.recordDeliveryEvent); optional until it is wired. */
export interface DeliveryEvents {
  record(event: DeliveryEventInput): Promise<void>;
}

const EVENT_NAMES = { delivered: 'Message Delivered', opened: 'Message Opened', clicked: 'Message Clicked' } as const;

/**
 * Records opens, clicks and in-app deliveries twice: as a delivery event (if the delivery core is
 * wired) and as a track event on the customer's timeline, where journeys and segments see it. The
 * timeline event's messageId is derived from what happened, so repeated opens of one message, or
 * clicks on one link, are stored once.
 */
export class DeliveryFeedback {
  constructor(private readonly options: { store: Store; events?: DeliveryEvents; onAppended?: () => void }) {}

  async record(event: DeliveryEventInput & { channel: string; url?: string }): Promise<void> {
    const { store, events, onAppended } = this.options;
    await events?.record(event);
    const timeline = await this.timelineEvent(store, event);
    if (timeline && (await store.appendEvents([timeline])) > 0) onAppended?.();
  }

  private async timelineEvent(
    store: Store,
    event: DeliveryEventInput & { channel: string; url?: string },
  ): Promise<NewEvent | undefined> {
    const identity = messageIdentityOf(await store.identitiesOf(event.workspaceId, event.customerId));
    if (!identity) return undefined;
    const urlPart = event.url ? `:${createHash('sha256').update(event.url).digest('hex').slice(0, 16)}` : '';
    const messageId = `delivery:${event.kind}:${event.idempotencyKey}${urlPart}`;
    const timestamp = new Date(event.at).toISOString();
    const properties = {
      channel: event.channel,
      message_key: event.idempotencyKey,
      ...(event.url ? { url: event.url } : {}),
    };
    const name = EVENT_NAMES[event.kind];
    const payload = {
      type: 'track',
      messageId,
      userId: identity.userId,
      anonymousId: identity.anonymousId,
      event: name,
      properties,
      timestamp,
      receivedAt: timestamp,
      context: { godwit: { delivery: event.kind } },
    };
    return {
      workspaceId: event.workspaceId,
      messageId,
      type: 'track',
      event: name,
      userId: identity.userId,
      anonymousId: identity.anonymousId,
      timestamp: event.at,
      receivedAt: event.at,
      payload: JSON.stringify(payload),
    };
  }
}
