import type { Clock } from '../shared/clock.ts';
import { GodwitError, notFound } from '../shared/errors.ts';
import { readPage } from '../shared/page-cursor.ts';
import {
  DEAD_LETTER_STATUSES,
  type DeliveryEventRecord,
  type MessageQuery,
  type MessageRecord,
  type MessageStatus,
} from '../storage/delivery-store.ts';
import type { Store } from '../storage/store.ts';

export interface MessageFilter {
  status?: MessageStatus;
  channel?: string;
  journeyId?: string;
  customerId?: string;
  limit: number;
  /** `next` from the previous page. */
  before?: string;
}

/** Newest first; `next` is the `before` of the following (older) page, null at the end. */
export interface MessagePage {
  messages: MessageSummary[];
  next: string | null;
}

/** A message as the API and CLI show it in lists: no payload data or content. */
export interface MessageSummary {
  key: string;
  status: string;
  channel: string | null;
  kind: string;
  customerId: string;
  journeyId: string | null;
  nodeId: string | null;
  template: string | null;
  address: string | null;
  attempts: number;
  provider: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /** When it goes: a pending message's next attempt, a scheduled (held) one's planned time; else null. */
  nextAttemptAt: string | null;
  /** Why the channel was chosen, or why the message was suppressed (in words, English). */
  decision: unknown;
  /** The same with its reasons and numbers (`{ outcome, channel, at, reasons, … }`), for words in other languages. */
  explanation: unknown;
  /** A held message decided again: what was decided before, oldest first, each with when. */
  earlierDecisions: { decidedAt: string; decision: unknown }[];
}

/** Reading the outbox and putting dead letters back: what the messages API and CLI share. */
export class MessageService {
  constructor(private readonly options: { store: Store; clock: Clock; onRetry?: () => void }) {}

  async list(workspaceId: string, filter: MessageFilter): Promise<MessagePage> {
    const { status, limit, before, ...rest } = filter;
    return this.page({ workspaceId, ...rest, statuses: status ? [status] : undefined }, limit, before);
  }

  async deadLetters(workspaceId: string, limit: number, before?: string): Promise<MessagePage> {
    return this.page({ workspaceId, statuses: DEAD_LETTER_STATUSES }, limit, before);
  }

  private async page(query: Omit<MessageQuery, 'limit' | 'before'>, limit: number, before?: string) {
    const { shown, next } = await readPage(
      before,
      limit,
      (cursor, rows) =>
        this.options.store.delivery.listMessages({
          ...query,
          limit: rows,
          before: cursor && { at: cursor.at, afterKey: cursor.key },
        }),
      (row) => ({ at: row.createdAt, key: row.idempotencyKey }),
    );
    return { messages: shown.map(summaryOf), next };
  }

  /** One message with its rendered content, its journey payload and its delivery events. */
  async get(
    workspaceId: string,
    key: string,
  ): Promise<MessageSummary & { content: unknown; payload: unknown; events: DeliveryEventRecord[] }> {
    const { delivery } = this.options.store;
    const message = await delivery.findMessage({ workspaceId, idempotencyKey: key });
    if (!message) throw notFound(`no message with key ${key}`);
    const events = await delivery.deliveryEvents(workspaceId, key);
    return { ...summaryOf(message), content: message.content, payload: message.payload, events };
  }

  /** Puts a dead letter back in the queue with fresh attempts; 409 for a message that is not one. */
  async retry(workspaceId: string, key: string): Promise<MessageSummary> {
    const result = await this.options.store.delivery.retryMessage({
      workspaceId,
      idempotencyKey: key,
      now: this.options.clock.now(),
    });
    if (!result.ok && result.reason === 'not_found') throw notFound(`no message with key ${key}`);
    if (!result.ok) {
      const message = await this.options.store.delivery.findMessage({ workspaceId, idempotencyKey: key });
      throw new GodwitError(
        'conflict',
        `message ${key} is ${message?.status}; only ${DEAD_LETTER_STATUSES.join(', ')} messages can be retried`,
      );
    }
    this.options.onRetry?.();
    return summaryOf(result.message);
  }

  countByStatus(workspaceId: string) {
    return this.options.store.delivery.countByStatus(workspaceId);
  }

  /** Channels whose provider is failing now, as the delivery workers recorded them (`channel-health.ts`). */
  async failingChannels() {
    const rows = await this.options.store.delivery.unhealthyChannels(this.options.clock.now());
    return rows.map((r) => ({
      channel: r.channel,
      provider: r.provider,
      reason: r.reason,
      updatedAt: new Date(r.updatedAt).toISOString(),
      until: new Date(r.unhealthyUntil).toISOString(),
    }));
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function summaryOf(message: MessageRecord): MessageSummary {
  const { payload } = message;
  const waiting = message.status === 'pending' || message.status === 'scheduled';
  return {
    key: message.idempotencyKey,
    status: message.status,
    channel: message.channel,
    kind: message.kind,
    customerId: message.customerId,
    journeyId: message.journeyId,
    nodeId: message.nodeId,
    template: typeof payload.template === 'string' ? payload.template : null,
    address:
      typeof payload.address === 'string' ? payload.address : typeof payload.url === 'string' ? payload.url : null,
    attempts: message.attempts,
    provider: message.provider,
    lastError: message.lastError,
    createdAt: new Date(message.createdAt).toISOString(),
    sentAt: iso(message.sentAt),
    nextAttemptAt: waiting ? iso(message.nextAttemptAt) : null,
    decision: payload.decision ?? null,
    explanation: payload.explanation ?? null,
    earlierDecisions: Array.isArray(payload.earlier)
      ? payload.earlier.map((e: { decidedAt: string; decision: unknown }) => ({
          decidedAt: e.decidedAt,
          decision: e.decision,
        }))
      : [],
  };
}
