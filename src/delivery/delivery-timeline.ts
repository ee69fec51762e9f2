import { messageIdentityOf } from '../profiles/message-identity.ts';
import type { DeliveryEventKind, MessageRecord } from '../storage/delivery-store.ts';
import type { IdentityRecord, NewEvent } from '../storage/store.ts';

/**
 * The track event a delivery callback is appended as (journeys and segments can react to them).
 * Send outcomes are not appended: the timeline shows them from the message (profiles/customer-timeline.ts).
 */
export const TIMELINE_EVENT_NAMES: Record<DeliveryEventKind, string> = {
  sent: 'Message Sent',
  delivered: 'Message Delivered',
  opened: 'Message Opened',
  clicked: 'Message Clicked',
  bounced: 'Message Bounced',
  complained: 'Message Complained',
  failed: 'Message Failed',
  dead: 'Message Failed',
  replied: 'Message Replied',
  possibly_sent: 'Message Possibly Sent',
  suppressed: 'Message Suppressed',
};

/**
 * A delivery event as a track event for the event log, filed under the customer's userId or
 * anonymousId (undefined when they have neither, like segment entries). The messageId is derived
 * from the message, the kind and the time, so a replayed outcome is stored once.
 */
export function deliveryTimelineEvent(options: {
  /** The outbox message, or what is known of one without a row (its fields then stay out of the properties). */
  message: Pick<MessageRecord, 'workspaceId' | 'idempotencyKey' | 'channel'> & Partial<MessageRecord>;
  kind: DeliveryEventKind;
  at: number;
  identities: readonly IdentityRecord[];
  detail?: Record<string, unknown>;
  /** Stands for the time in the messageId: one event per message, kind and dedupe. */
  dedupe?: string;
}): NewEvent | undefined {
  const { message, kind, at } = options;
  const identity = messageIdentityOf(options.identities);
  if (!identity) return undefined;
  const event = TIMELINE_EVENT_NAMES[kind];
  const messageId = `delivery:${message.idempotencyKey}:${kind}:${options.dedupe ?? at}`;
  const timestamp = new Date(at).toISOString();
  const properties = {
    message_key: message.idempotencyKey,
    kind,
    channel: message.channel,
    provider: message.provider,
    template: typeof message.payload?.template === 'string' ? message.payload.template : message.payload && null,
    journey_id: message.journeyId,
    node_id: message.nodeId,
    run_id: message.runId,
    ...options.detail,
  };
  const payload = {
    type: 'track',
    messageId,
    userId: identity.userId,
    anonymousId: identity.anonymousId,
    event,
    properties,
    timestamp,
    receivedAt: timestamp,
    context: { godwit: { messageKey: message.idempotencyKey } },
  };
  return {
    workspaceId: message.workspaceId,
    messageId,
    type: 'track',
    event,
    userId: identity.userId,
    anonymousId: identity.anonymousId,
    timestamp: at,
    receivedAt: at,
    payload: JSON.stringify(payload),
  };
}
