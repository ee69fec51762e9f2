import type { EngagementResponse } from '../../storage/decision-store.ts';
import type { DeliveryEventKind, MessageRecord } from '../../storage/delivery-store.ts';
import type { DecisionRecord } from './send-decisions.ts';

/** What counts as a response to a message: the customer opened, clicked or replied. */
export const RESPONSE_KINDS: ReadonlySet<DeliveryEventKind> = new Set(['opened', 'clicked', 'replied']);

/**
 * The engagement credit a delivery event earns: a response to a message the decision engine sent,
 * on its channel and at the hour of week it was decided for (the send was counted there). Messages
 * sent without a decision (API sends) earn none, as their sends were not counted either.
 */
export function engagementResponseOf(
  message: MessageRecord,
  event: { kind: DeliveryEventKind; at: number },
): EngagementResponse | undefined {
  if (!RESPONSE_KINDS.has(event.kind) || message.kind !== 'message' || !message.channel) return undefined;
  const explanation = message.payload.explanation as DecisionRecord | null | undefined;
  if (!explanation || explanation.hourOfWeek === null || explanation.hourOfWeek === undefined) return undefined;
  return {
    workspaceId: message.workspaceId,
    idempotencyKey: message.idempotencyKey,
    customerId: message.customerId,
    channel: message.channel,
    hourOfWeek: explanation.hourOfWeek,
    at: event.at,
  };
}
