import { parseTime } from '../shared/iso-time.ts';
import type { NewEvent } from '../storage/store.ts';
import type { SegmentMessage } from './segment-schema.ts';

export interface Envelope {
  sentAt?: string | number | null;
  context?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
}

const toMs = (value: string | number | null | undefined): number | undefined =>
  value === null || value === undefined ? undefined : typeof value === 'number' ? value : parseTime(value);

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
  // The same keys in the same order as `{ ...message, messageId, userId, … }`, built without the
  // spread, which costs more than the rest of normalising at ingest rates.
  const payload = copyOf(message);
  payload.messageId = messageId;
  payload.userId = userId;
  payload.anonymousId = anonymousId;
  payload.context = envelope.context ? { ...envelope.context, ...message.context } : (message.context ?? {});
  payload.integrations = message.integrations ?? envelope.integrations ?? {};
  payload.timestamp = new Date(timestamp).toISOString();
  payload.originalTimestamp = original === undefined ? null : new Date(original).toISOString();
  payload.sentAt = sentAt === undefined ? null : sentAtIso.of(sentAt);
  payload.receivedAt = receivedAtIso.of(options.receivedAt);
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

function copyOf(message: SegmentMessage): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(message)) {
    const value = (message as Record<string, unknown>)[key];
    if (key === '__proto__') {
      // Assigning __proto__ would set the prototype rather than copy the key.
      Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    } else {
      copy[key] = value;
    }
  }
  return copy;
}

/** Every event of a request shares its receivedAt and usually its sentAt: format each once. */
class LastIso {
  private ms = Number.NaN;
  private text = '';

  of(ms: number): string {
    if (ms !== this.ms) {
      this.text = new Date(ms).toISOString();
      this.ms = ms;
    }
    return this.text;
  }
}

const sentAtIso = new LastIso();
const receivedAtIso = new LastIso();

/** The name shown on the timeline: the track event, or the page/screen name. */
function eventName(message: SegmentMessage): string | null {
  if (message.type === 'track') return message.event;
  if (message.type === 'page' || message.type === 'screen') return message.name ?? null;
  return null;
}
