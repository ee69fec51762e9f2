import { type SendRequest, sendDecisionsFor } from '../../decisioning/runtime/send-decisions.ts';
import type { MessageClass } from '../../delivery/channel-choice.ts';
import type { EngagementIncrement } from '../../storage/decision-store.ts';
import type { OutboxRecord, TimerRecord } from '../../storage/journey-store.ts';
import type { Store } from '../../storage/store.ts';
import type { SendMessageCommand } from '../journey-commands.ts';
import type { CustomerContext } from './journey-batch.ts';

/**
 * From a step's `send_message` to an outbox entry, through the decision engine: `send` → pending
 * now, `delay` → `scheduled` with a timer (`decide:<key>:<at>`) that decides again when due,
 * `suppress` → `suppressed`; the decision and its reasons go in the payload (`decision`). A send
 * counts on the customer's engagement counters (channel × hour of week) in the same commit.
 */

/** Timers of the decision engine, not of a run's wait. */
export const DECIDE_TIMER_PREFIX = 'decide:';

export interface PendingMessage {
  /** The entry as it will be stored, before the decision fills channel, status and `decision`. */
  readonly entry: OutboxRecord;
  /** Undefined when the customer no longer exists. */
  readonly request: SendRequest | undefined;
  /** A `scheduled` entry decided again: it is updated, not inserted. */
  readonly redecided: boolean;
}

export function pendingMessageOf(options: {
  workspaceId: string;
  command: SendMessageCommand;
  customer: CustomerContext & { segments?: Readonly<Record<string, number>> };
  now: number;
}): PendingMessage {
  const { workspaceId, command, customer, now } = options;
  const { run } = command;
  const messageClass: MessageClass = command.priority;
  const entry: OutboxRecord = {
    workspaceId,
    idempotencyKey: command.idempotencyKey,
    customerId: run.customerId,
    runId: run.runId,
    journeyId: run.journeyId,
    nodeId: run.nodeId,
    kind: 'message',
    channel: null,
    status: 'pending',
    messageClass,
    payload: {
      template: command.template,
      requestedChannel: command.channel,
      messageClass,
      ...(command.topic ? { topic: command.topic } : {}),
      ...(command.bestTimeWithinMs !== undefined ? { bestTimeWithinMs: command.bestTimeWithinMs } : {}),
      data: command.data,
      trigger: command.trigger,
      event: command.event,
      journeyVersion: run.version,
    },
    createdAt: now,
    updatedAt: now,
  };
  return { entry, request: requestOf(entry, customer, command.bestTimeWithinMs), redecided: false };
}

/** A `scheduled` entry whose decision timer fired: decided again, at once (its best slot was chosen already). */
export function pendingFromScheduled(entry: OutboxRecord, customer: CustomerContext): PendingMessage {
  const request = requestOf(entry, customer, undefined);
  return { entry, request: request && { ...request, redecided: true }, redecided: true };
}

function requestOf(
  entry: OutboxRecord,
  customer: CustomerContext & { segments?: Readonly<Record<string, number>> },
  bestTimeWithinMs: number | undefined,
): SendRequest | undefined {
  if (!customer.profile) return undefined;
  const payload = entry.payload as {
    requestedChannel: SendRequest['channel'];
    topic?: string;
    messageClass: MessageClass;
    template?: string;
  };
  return {
    workspaceId: entry.workspaceId,
    idempotencyKey: entry.idempotencyKey,
    customerId: entry.customerId,
    journeyId: entry.journeyId ?? undefined,
    channel: payload.requestedChannel,
    messageClass: (entry.messageClass as MessageClass | null | undefined) ?? payload.messageClass,
    topic: payload.topic,
    template: payload.template,
    bestTimeWithinMs,
    queuedAt: entry.createdAt,
    profile: customer.profile,
    identities: customer.identities,
    suppressions: customer.suppressions,
    segments: customer.segments,
  };
}

export interface DecidedMessages {
  readonly outbox: OutboxRecord[];
  readonly outboxUpdates: OutboxRecord[];
  readonly timers: TimerRecord[];
  readonly engagement: EngagementIncrement[];
}

export async function decideMessages(
  store: Store,
  pending: readonly PendingMessage[],
  now: number,
): Promise<DecidedMessages> {
  const out: DecidedMessages = { outbox: [], outboxUpdates: [], timers: [], engagement: [] };
  const requests = pending.flatMap((p) => (p.request ? [p.request] : []));
  const outcomes = new Map(
    (await sendDecisionsFor(store).decideAll(requests, now)).map((o) => [o.request.idempotencyKey, o]),
  );
  for (const { entry, redecided } of pending) {
    const outcome = outcomes.get(entry.idempotencyKey);
    const { decision } = outcome ?? {};
    const status =
      !decision || decision.outcome === 'suppress'
        ? 'suppressed'
        : decision.outcome === 'delay'
          ? 'scheduled'
          : 'pending';
    const decided: OutboxRecord = {
      ...entry,
      // A suppressed send keeps the channel its node named, so it is listed with that channel's messages.
      channel: outcome?.record.channel ?? fixedChannelOf(outcome?.request.channel),
      status,
      // When it goes: delivery takes it from then, and caps and collisions count it there.
      nextAttemptAt: status === 'suppressed' ? 0 : (outcome?.record.at ?? now),
      payload: {
        ...entry.payload,
        address: outcome?.address ?? null,
        decision: outcome?.summary ?? 'suppressed: the customer no longer exists',
        explanation: outcome?.record ?? null,
        ...(redecided ? { earlier: earlierDecisions(entry) } : {}),
      },
      updatedAt: now,
    };
    (redecided ? out.outboxUpdates : out.outbox).push(decided);
    const record = outcome?.record;
    if (status === 'scheduled' && record?.at != null) {
      out.timers.push({
        timerId: `${DECIDE_TIMER_PREFIX}${entry.idempotencyKey}:${record.at}`,
        workspaceId: entry.workspaceId,
        runId: entry.runId ?? '',
        customerId: entry.customerId,
        dueAt: record.at,
      });
    }
    if (status === 'pending' && record?.channel && record.hourOfWeek !== null) {
      out.engagement.push({
        workspaceId: entry.workspaceId,
        customerId: entry.customerId,
        channel: record.channel,
        hourOfWeek: record.hourOfWeek,
        sends: 1,
        responses: 0,
      });
    }
  }
  return out;
}

/** Decisions a held message keeps from before it was decided again, oldest first. */
export const EARLIER_DECISIONS_KEPT = 10;

/**
 * A held message decided again keeps what was decided before (why it was held, and when), so one that goes
 * late still says why; the newest `EARLIER_DECISIONS_KEPT` are kept, for a message held again and again.
 */
function earlierDecisions(entry: OutboxRecord): unknown[] {
  const { earlier, decision, explanation } = entry.payload as {
    earlier?: unknown[];
    decision?: unknown;
    explanation?: unknown;
  };
  const previous = { decidedAt: new Date(entry.updatedAt).toISOString(), decision, explanation };
  return [...(Array.isArray(earlier) ? earlier : []), previous].slice(-EARLIER_DECISIONS_KEPT);
}

function fixedChannelOf(requested: string | undefined): string | null {
  return requested === undefined || requested === 'best' ? null : requested;
}
