import { createHash } from 'node:crypto';
import { engagementResponseOf } from '../decisioning/runtime/engagement-responses.ts';
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
  /** Names the timeline event with the message and kind, so a repeat (a second open, a retried webhook) is stored once; default the time. */
  readonly dedupe?: string;
  /**
   * For a message with no outbox row (sent before Godwit kept one, or signed by hand): the customer and
   * channel, so the timeline still gets the event. Nothing else is written for it.
   */
  readonly fallback?: { readonly workspaceId: string; readonly customerId: string; readonly channel: string };
};

/**
 * The one recorder of delivery events that arrive after the send (status webhooks, opens, clicks,
 * in-app deliveries, replies, bounce reports), found by our key or by the provider's message id:
 * the event, any status change, any suppression and the timeline event in one transaction.
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
    if (!message) return this.timelineOnly(input);
    const detail = { ...input.detail };
    const timeline = input.timeline
      ? deliveryTimelineEvent({
          message,
          kind: input.kind,
          at: input.at,
          identities: await store.identitiesOf(message.workspaceId, message.customerId),
          detail,
          dedupe: input.dedupe,
        })
      : undefined;
    const { workspaceId, idempotencyKey, customerId } = message;
    const suppression = input.suppress
      ? messageSuppression(message, { reason: input.suppress, at: input.at, detail })
      : undefined;
    await store.delivery.recordDeliveryEvents({
      events: [
        {
          id: eventIdOf(input, message),
          workspaceId,
          customerId,
          idempotencyKey,
          kind: input.kind,
          at: input.at,
          detail,
        },
      ],
      statuses: input.status ? [{ workspaceId, idempotencyKey, status: input.status, at: input.at }] : [],
      timeline: timeline ? [timeline] : [],
      suppressions: suppression ? [suppression] : [],
    });
    // Opens, clicks and replies teach the decision engine (once per message).
    const response = engagementResponseOf(message, input);
    if (response) await store.decisions.countResponse(response);
    if (timeline) this.options.onTimeline?.();
    return message;
  }

  /** No outbox row: only the timeline event, under the customer the caller names. */
  private async timelineOnly(input: DeliveryEventInput): Promise<undefined> {
    const { fallback } = input;
    if (!input.timeline || !fallback) return undefined;
    const key = 'idempotencyKey' in input ? input.idempotencyKey : `${input.provider}:${input.providerMessageId}`;
    const timeline = deliveryTimelineEvent({
      message: { workspaceId: fallback.workspaceId, idempotencyKey: key, channel: fallback.channel },
      kind: input.kind,
      at: input.at,
      identities: await this.options.store.identitiesOf(fallback.workspaceId, fallback.customerId),
      detail: { ...input.detail },
      dedupe: input.dedupe,
    });
    if (!timeline) return undefined;
    await this.options.store.delivery.recordDeliveryEvents({ events: [], statuses: [], timeline: [timeline] });
    this.options.onTimeline?.();
    return undefined;
  }
}

/** With a dedupe the event's id is derived from it, so a repeat is stored once (as on the timeline). */
function eventIdOf(input: DeliveryEventInput, message: MessageRecord): string {
  if (input.dedupe === undefined) return newId(input.at);
  const hash = createHash('sha256')
    .update(`${message.workspaceId}\u0000${message.idempotencyKey}\u0000${input.kind}\u0000${input.dedupe}`)
    .digest('hex');
  return `de_${hash.slice(0, 32)}`;
}
