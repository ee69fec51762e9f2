import type { OutboxRecord } from './journey-store.ts';
import type { NewEvent } from './store.ts';
import type { SuppressionRecord } from './suppression-store.ts';

/** The part of the storage port that delivery uses: claiming outbox entries, outcomes, delivery events. */

/**
 * Where a message is: `scheduled` is held by the decision engine (quiet hours, caps, collisions, best
 * time) until `next_attempt_at`, when it is decided again; `pending` waits for its next attempt,
 * `sending` is claimed by a worker, `sent`/`delivered` went out, `failed` was refused for good, `dead`
 * ran out of attempts, `possibly_sent` was in flight in a crash with a provider that cannot dedupe,
 * `bounced` came back, `suppressed` was decided against by the journey.
 */
export const MESSAGE_STATUSES = [
  'scheduled',
  'pending',
  'sending',
  'sent',
  'delivered',
  'failed',
  'dead',
  'possibly_sent',
  'bounced',
  'suppressed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** `last_error` of a message whose send started and has no outcome yet (see DeliveryStore.markStarted). */
export const SEND_STARTED = 'send started; no answer recorded';

/** Messages that stopped without going out and wait for a person: they can be retried. */
export const DEAD_LETTER_STATUSES: readonly MessageStatus[] = ['dead', 'failed', 'possibly_sent'];

export const DELIVERY_EVENT_KINDS = [
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'failed',
  'replied',
  'possibly_sent',
  'dead',
  'suppressed',
] as const;
export type DeliveryEventKind = (typeof DELIVERY_EVENT_KINDS)[number];

export interface MessageRecord extends OutboxRecord {
  attempts: number;
  nextAttemptAt: number;
  provider: string | null;
  providerMessageId: string | null;
  lastError: string | null;
  sentAt: number | null;
  /** The rendered content (a MessageContent), once rendered. */
  content: Record<string, unknown> | null;
}

export interface ClaimedMessage extends MessageRecord {
  /** Claimed from a lease that expired while `sending`: the worker that held it stopped mid-send. */
  recovered: boolean;
}

export interface DeliveryEventRecord {
  id: string;
  workspaceId: string;
  customerId: string;
  idempotencyKey: string;
  kind: DeliveryEventKind;
  at: number;
  detail: Record<string, unknown>;
}

/** What one attempt did to a claimed message. Fields left undefined keep their stored value. */
export interface DeliveryOutcome {
  workspaceId: string;
  idempotencyKey: string;
  /** Applied only while this owner still holds the claim. */
  owner: string;
  /** When the attempt ended. */
  at: number;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: number;
  provider?: string | null;
  providerMessageId?: string | null;
  lastError?: string | null;
  sentAt?: number | null;
  content?: Record<string, unknown> | null;
  events: DeliveryEventRecord[];
  /** Addresses the attempt showed are gone (a hard bounce at send time), listed with the outcome. */
  suppressions?: SuppressionRecord[];
}

/** Delivery events that arrive later (status callbacks, opens, clicks), with any status they move a message to. */
export interface DeliveryEventChange {
  events: DeliveryEventRecord[];
  statuses: { workspaceId: string; idempotencyKey: string; status: MessageStatus; at: number }[];
  timeline: NewEvent[];
  /** Addresses a hard bounce or complaint puts on the suppression list, in the same transaction. */
  suppressions?: SuppressionRecord[];
}

export type MessageRef =
  | { workspaceId: string; idempotencyKey: string }
  | { provider: string; providerMessageId: string };

export interface MessageQuery {
  workspaceId: string;
  statuses?: readonly MessageStatus[];
  channel?: string;
  journeyId?: string;
  customerId?: string;
  /**
   * Continues a newest-first listing: messages created before `at`, or at `at` with a key after
   * `afterKey` (at one instant keys go in ascending order; `''` takes every key at `at`).
   */
  before?: { at: number; afterKey: string };
  limit: number;
}

export type RetryResult = { ok: true; message: MessageRecord } | { ok: false; reason: 'not_found' | 'not_dead' };

/** A channel whose provider is failing (its circuit breaker opened), until when and why. */
export interface ChannelHealth {
  readonly channel: string;
  readonly provider: string;
  /** Failing until then; 0: healthy again. */
  readonly unhealthyUntil: number;
  readonly reason: string;
  readonly updatedAt: number;
}

export interface DeliveryStore {
  /**
   * Takes up to `limit` messages due by `now` (pending ones whose next attempt has come, and
   * `sending` ones whose claim expired) and claims them for `owner` until `now + leaseMs`. Two
   * workers never claim the same message (PostgreSQL: FOR UPDATE SKIP LOCKED).
   */
  claimDue(options: { owner: string; now: number; leaseMs: number; limit: number }): Promise<ClaimedMessage[]>;
  /**
   * Records that these claimed messages' sends are starting (`last_error` = SEND_STARTED), while this
   * owner still holds them: after a crash only these may have gone out.
   */
  markStarted(options: {
    owner: string;
    messages: readonly { workspaceId: string; idempotencyKey: string }[];
  }): Promise<void>;
  /** Writes outcomes and their delivery events in one transaction; returns how many still held their claim. */
  recordOutcomes(outcomes: readonly DeliveryOutcome[]): Promise<number>;
  /** Appends delivery events and status changes in one transaction. */
  recordDeliveryEvents(change: DeliveryEventChange): Promise<void>;
  findMessage(ref: MessageRef): Promise<MessageRecord | undefined>;
  /** Newest first. */
  listMessages(query: MessageQuery): Promise<MessageRecord[]>;
  /** A message's delivery events, oldest first. */
  deliveryEvents(workspaceId: string, idempotencyKey: string): Promise<DeliveryEventRecord[]>;
  /** Puts a dead letter (dead, failed or possibly sent) back to pending with fresh attempts, due at `now`. */
  retryMessage(options: { workspaceId: string; idempotencyKey: string; now: number }): Promise<RetryResult>;
  /** Messages per status (all workspaces when none is given). */
  countByStatus(workspaceId?: string): Promise<Partial<Record<MessageStatus, number>>>;
  /** Records each channel's health (one row per channel, replaced). */
  setChannelHealth(rows: readonly ChannelHealth[]): Promise<void>;
  /** Channels still failing at `now`. */
  unhealthyChannels(now: number): Promise<ChannelHealth[]>;
}
