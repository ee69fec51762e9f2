import type { NewEvent } from '../storage/store.ts';
import type { SegmentMessage } from './segment-schema.ts';

export interface Envelope {
  sentAt?: string | number | null;
  context?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
}

const toMs = (value: string | number | null | undefined): number | undefined =>
  value === null || value === undefined ? undefined : typeof value === 'number' ? value : Date.parse(value);

/**
 * Turns a validated Segment message into an event row. Clock skew is corrected as Segment does:
 * timestamp = receivedAt − (sentAt − originalTimestamp), so a device whose clock is wrong still
 * lands its events at the right moment.
 */
export function normaliseMessage(
  message: SegmentMessage,
  envelope: Envelope,
  options: { workspaceId: string; receivedAt: number; newMessageId: () => string },
): NewEvent {
  const original = toMs(message.timestamp ?? message.originalTimestamp);
  const sentAt = toMs(message.sentAt ?? envelope.sentAt);
  const timestamp =
    original === undefined
      ? options.receivedAt
      : sentAt === undefined
        ? original
        : options.receivedAt - (sentAt - original);
  const messageId = message.messageId ?? options.newMessageId();
  const userId: string | null = message.userId ?? null;
  const anonymousId: string | null = message.anonymousId ?? null;
  const payload = {
    ...message,
    messageId,
    userId,
    anonymousId,
    context: envelope.context ? { ...envelope.context, ...message.context } : (message.context ?? {}),
    integrations: message.integrations ?? envelope.integrations ?? {},
    timestamp: new Date(timestamp).toISOString(),
    originalTimestamp: original === undefined ? null : new Date(original).toISOString(),
    sentAt: sentAt === undefined ? null : new Date(sentAt).toISOString(),
    receivedAt: new Date(options.receivedAt).toISOString(),
  };
  return {
    workspaceId: options.workspaceId,
    messageId,
    type: message.type,
    event: eventName(message),
    userId,
    anonymousId,
    timestamp,
    receivedAt: options.receivedAt,
    payload: JSON.stringify(payload),
  };
}

/** The name shown on the timeline: the track event, or the page/screen name. */
function eventName(message: SegmentMessage): string | null {
  if (message.type === 'track') return message.event;
  if (message.type === 'page' || message.type === 'screen') return message.name ?? null;
  return null;
}
