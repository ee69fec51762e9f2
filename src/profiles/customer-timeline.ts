import { decodePageCursor, encodePageCursor, type PageCursor } from '../shared/page-cursor.ts';
import type { MessageRecord } from '../storage/delivery-store.ts';
import { encodeTimelineCursor } from '../storage/rows.ts';
import type { Store, StoredEvent } from '../storage/store.ts';

/**
 * One customer timeline from two sources: the event log (what the customer did, callbacks such as
 * opens and clicks, segment entries) and the outbox (each message once, with its current status
 * and the decision behind it). Send outcomes stay off the event log, where one per message would
 * double what every stage reads.
 */
export type TimelineEntry =
  | { readonly source: 'event'; readonly at: number; readonly event: StoredEvent }
  | { readonly source: 'message'; readonly at: number; readonly message: MessageRecord };

export interface MergedTimelinePage {
  entries: TimelineEntry[];
  /** Pass back as `before` for the next (older) page; null at the end. */
  next: string | null;
}

/**
 * Newest first. At one instant events come first (newest seq first), then messages by key; the
 * cursor names the last entry shown, so each source resumes exactly after it.
 */
export async function customerTimeline(
  store: Store,
  options: { workspaceId: string; customerId: string; limit: number; before?: string },
): Promise<MergedTimelinePage> {
  const { workspaceId, customerId, limit } = options;
  const cursor = options.before === undefined ? undefined : decodePageCursor(options.before);
  const [events, messages] = await Promise.all([
    store.timeline({ workspaceId, customerId, limit, before: cursor && eventsBefore(cursor) }),
    store.delivery.listMessages({
      workspaceId,
      customerId,
      limit: limit + 1,
      before: cursor && messagesBefore(cursor),
    }),
  ]);
  const merged: TimelineEntry[] = [
    ...events.events.map((event) => ({ source: 'event' as const, at: event.timestamp, event })),
    ...messages.map((message) => ({ source: 'message' as const, at: message.createdAt, message })),
  ].sort(newestFirst);
  const entries = merged.slice(0, limit);
  const last = entries[entries.length - 1];
  const more = merged.length > limit || events.next !== null;
  return { entries, next: more && last ? encodePageCursor(cursorOf(last)) : null };
}

/** Events at the cursor's instant come before messages at it, so a message cursor keeps none of them. */
const eventsBefore = (cursor: PageCursor) =>
  encodeTimelineCursor({ timestamp: cursor.at, seq: 'seq' in cursor ? cursor.seq : 0 });

const messagesBefore = (cursor: PageCursor) => ({ at: cursor.at, afterKey: 'key' in cursor ? cursor.key : '' });

function newestFirst(a: TimelineEntry, b: TimelineEntry): number {
  if (a.at !== b.at) return b.at - a.at;
  if (a.source !== b.source) return a.source === 'event' ? -1 : 1;
  if (a.source === 'event' && b.source === 'event') return b.event.seq - a.event.seq;
  if (a.source === 'message' && b.source === 'message') {
    return a.message.idempotencyKey < b.message.idempotencyKey ? -1 : 1;
  }
  return 0;
}

function cursorOf(entry: TimelineEntry): PageCursor {
  return entry.source === 'event'
    ? { at: entry.at, seq: entry.event.seq }
    : { at: entry.at, key: entry.message.idempotencyKey };
}
