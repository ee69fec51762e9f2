import { createHash } from 'node:crypto';
import type { DeliveryEventInput } from '../delivery-events.ts';

/** The delivery core's one recorder (`DeliveryEvents`), as the tracking routes and the in-app hub use it. */
export interface DeliveryEventRecorder {
  record(input: DeliveryEventInput): Promise<unknown>;
}

/**
 * An open, a click or an in-app delivery as the recorder takes it: a delivery event on the message
 * and a `Message Opened/Clicked/Delivered` timeline event that is stored once per message (per link
 * for clicks), however often the pixel loads or the link is followed.
 */
export function feedbackEvent(event: {
  workspaceId: string;
  customerId: string;
  /** The outbox key of the message. */
  idempotencyKey: string;
  channel: string;
  kind: 'delivered' | 'opened' | 'clicked';
  at: number;
  url?: string;
}): DeliveryEventInput {
  const { workspaceId, customerId, idempotencyKey, channel, kind, at, url } = event;
  return {
    workspaceId,
    idempotencyKey,
    kind,
    at,
    detail: url ? { url } : {},
    timeline: true,
    dedupe: url ? createHash('sha256').update(url).digest('hex').slice(0, 16) : 'once',
    fallback: { workspaceId, customerId, channel },
  };
}
