import { newId } from '../shared/ids.ts';
import type { DeliveryEventKind, MessageRecord, MessageStatus } from '../storage/delivery-store.ts';
import type { Store } from '../storage/store.ts';
import type { SuppressionReason } from '../storage/suppression-store.ts';
import { deliveryTimelineEvent } from './delivery-timeline.ts';
import { messageSuppression } from './suppression/message-suppression.ts';

/** A delivery event that arrives after the send: a status callback, an open, a click, a reply. */
export type DeliveryEventInput = (
  | { readonly workspaceId: string; readonly idempotencyKey: string }
  | { readonly provider: string; readonly providerMessageId: string }
) & {
  readonly kind: DeliveryEventKind;
  readonly at: number;
  readonly detail?: Readonly<Record<string, unknown>>;
  /** Moves the message to this status too (a `delivered` or `bounced` callback). */
  readonly status?: MessageStatus;
  /** Also put it on the customer's timeline as `Message <Kind>` (leave off when the caller writes its own). */
  readonly timeline?: boolean;
  /** A hard bounce or a complaint: the message's address goes on the suppression list in the same transaction. */
  readonly suppress?: SuppressionReason;
};

/**
 * Records delivery events for messages already sent, found by our key or by the provider's
 * message id: the event, any status change and the timeline event in one transaction.
 */
export class DeliveryEvents {
  constructor(private readonly options: { store: Store; onTimeline?: () => void }) {}

  /** The message the event belongs to, or undefined when none matches (nothing is written). */
  async record(input: DeliveryEventInput): Promise<MessageRecord | undefined> {
    const { store } = this.options;
    const ref =
      'idempotencyKey' in input
        ? { workspaceId: input.workspaceId, idempotencyKey: input.idempotencyKey }
        : { provider: input.provider, providerMessageId: input.providerMessageId };
    const message = await store.delivery.findMessage(ref);
    if (!message) return undefined;
    const detail = { ...input.detail };
    const timeline = input.timeline
      ? deliveryTimelineEvent({
          message,
          kind: input.kind,
          at: input.at,
          identities: await store.identitiesOf(message.workspaceId, message.customerId),
          detail,
        })
      : undefined;
    const { workspaceId, idempotencyKey, customerId } = message;
    const suppression = input.suppress
      ? messageSuppression(message, { reason: input.suppress, at: input.at, detail })
      : undefined;
    await store.delivery.recordDeliveryEvents({
      events: [
        { id: newId(input.at), workspaceId, customerId, idempotencyKey, kind: input.kind, at: input.at, detail },
      ],
      statuses: input.status ? [{ workspaceId, idempotencyKey, status: input.status, at: input.at }] : [],
      timeline: timeline ? [timeline] : [],
      suppressions: suppression ? [suppression] : [],
    });
    if (timeline) this.options.onTimeline?.();
    return message;
  }
}
