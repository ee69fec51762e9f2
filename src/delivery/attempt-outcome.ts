import {
  type ClaimedMessage,
  type DeliveryEventKind,
  type DeliveryEventRecord,
  type DeliveryOutcome,
  type MessageStatus,
  SEND_STARTED,
} from '../storage/delivery-store.ts';
import type { SuppressionRecord } from '../storage/suppression-store.ts';
import type { MessageContent, SendReceipt } from './provider.ts';
import { afterFailure, type RetryPolicy } from './retry-policy.ts';
import { isHardBounce } from './suppression/hard-bounce.ts';
import { messageSuppression } from './suppression/message-suppression.ts';

/** How a deferral's reason begins (`not tried: smtp's circuit is open until …`). */
export const NOT_TRIED = 'not tried: ';

/** Joins a deferral's reason and the error of the message's last real attempt. */
const LAST_ERROR = '; last error: ';

/** What happened when the worker tried a claimed message. */
export type AttemptResult =
  | {
      readonly type: 'sent';
      readonly provider: string;
      readonly receipt: SendReceipt;
      readonly content: MessageContent;
    }
  | {
      readonly type: 'failed';
      readonly provider: string | null;
      readonly kind: 'transient' | 'permanent';
      readonly error: string;
      /** The DeliveryError's code (`smtp_550`, `twilio_21211`), which tells a hard bounce. */
      readonly code?: string;
      readonly retryAfterMs?: number;
      readonly content: MessageContent | null;
    }
  /**
   * Not tried: the provider's circuit is open or its rate limit is used up. Attempts stay as they
   * were; `reason` (`not tried: …`) says why it waits, in place of any start mark.
   */
  | { readonly type: 'deferred'; readonly at: number; readonly reason: string }
  /**
   * Maybe delivered, with a provider that cannot dedupe (in flight when a worker stopped, or no
   * answer): never sent again by itself. `reason` becomes its last error, for whoever decides.
   */
  | { readonly type: 'possibly_sent'; readonly provider: string; readonly reason: string }
  /** Not tried: its address went on the suppression list after it was queued. */
  | { readonly type: 'suppressed'; readonly entry: SuppressionRecord };

export interface OutcomeContext {
  readonly owner: string;
  readonly now: number;
  /** A draw in [0, 1) for the retry jitter. */
  readonly random: number;
  readonly policy: RetryPolicy;
  readonly newId: () => string;
}

/**
 * The stored outcome of an attempt: the message's new status and its delivery event. Pure. Outcomes
 * stay off the event log (one per message would double what the stages read); the customer's
 * timeline shows them from the message itself.
 */
export function outcomeOf(message: ClaimedMessage, result: AttemptResult, context: OutcomeContext): DeliveryOutcome {
  const { owner, now } = context;
  const base = { workspaceId: message.workspaceId, idempotencyKey: message.idempotencyKey, owner, at: now };
  switch (result.type) {
    case 'deferred':
      // Its send never started: the reason replaces any start mark the slice wrote ahead of it (a mark
      // left behind would make a crash during its next claim report a message never sent as possibly sent).
      return {
        ...base,
        status: 'pending',
        attempts: message.attempts,
        nextAttemptAt: result.at,
        lastError: waitingError(result.reason, message.lastError),
        events: [],
      };
    case 'possibly_sent':
      // The reason replaces the start mark (SEND_STARTED), which only said a send had begun.
      return {
        ...finished(message, context, {
          status: 'possibly_sent',
          attempts: message.attempts,
          provider: result.provider,
          detail: { reason: result.reason },
        }),
        lastError: result.reason,
      };
    case 'sent':
      return {
        ...finished(message, context, {
          status: result.receipt.status,
          attempts: message.attempts + 1,
          provider: result.provider,
          detail: { provider_message_id: result.receipt.providerMessageId },
        }),
        providerMessageId: result.receipt.providerMessageId,
        lastError: null,
        sentAt: now,
        content: result.content as unknown as Record<string, unknown>,
      };
    case 'suppressed': {
      const { channel, address, reason } = result.entry;
      return {
        ...finished(message, context, {
          status: 'suppressed',
          attempts: message.attempts,
          provider: null,
          detail: { reason, address, listed_at: result.entry.createdAt },
        }),
        lastError: `the ${channel} address ${address} is suppressed (${reason})`,
      };
    }
    case 'failed':
      return failedOutcome(message, result, context);
  }
}

/**
 * A deferred message's last error: why it waits, then what its last real attempt met, if any (not the
 * start mark, and not an earlier deferral's reason).
 */
function waitingError(reason: string, previous: string | null): string {
  let earlier = previous === SEND_STARTED ? null : previous;
  if (earlier?.startsWith(NOT_TRIED)) {
    const at = earlier.indexOf(LAST_ERROR);
    earlier = at < 0 ? null : earlier.slice(at + LAST_ERROR.length);
  }
  return earlier ? `${reason}${LAST_ERROR}${earlier}` : reason;
}

/** A pending outcome that used an attempt (a transient failure to try again), not a deferral. */
export function isRetry(message: ClaimedMessage, outcome: DeliveryOutcome): boolean {
  return outcome.status === 'pending' && outcome.attempts > message.attempts;
}

function failedOutcome(
  message: ClaimedMessage,
  result: Extract<AttemptResult, { type: 'failed' }>,
  context: OutcomeContext,
): DeliveryOutcome {
  const attempts = message.attempts + 1;
  const verdict = afterFailure({ ...context, attempts, kind: result.kind, retryAfterMs: result.retryAfterMs });
  const content = result.content as unknown as Record<string, unknown> | null;
  if (verdict.next === 'retry') {
    return {
      workspaceId: message.workspaceId,
      idempotencyKey: message.idempotencyKey,
      owner: context.owner,
      at: context.now,
      status: 'pending',
      attempts,
      nextAttemptAt: verdict.at,
      provider: result.provider,
      lastError: result.error,
      content,
      events: [],
    };
  }
  // A recipient the provider says does not exist is a hard bounce: the message is `bounced` and the
  // address goes on the suppression list with it.
  const hard = result.kind === 'permanent' && isHardBounce(result.code, result.error);
  const status = hard ? 'bounced' : verdict.next === 'dead' ? 'dead' : 'failed';
  const detail = { error: result.error, attempts, permanent: result.kind === 'permanent' };
  const suppression = hard
    ? messageSuppression(message, { reason: 'hard_bounce', at: context.now, detail: { error: result.error } })
    : undefined;
  return {
    ...finished(message, context, {
      status,
      attempts,
      provider: result.provider,
      detail: hard ? { ...detail, bounce: 'hard', code: result.code } : detail,
    }),
    lastError: result.error,
    content,
    ...(suppression ? { suppressions: [suppression] } : {}),
  };
}

/** A final status with its delivery event of the same kind. */
function finished(
  message: ClaimedMessage,
  context: OutcomeContext,
  fields: {
    status: Extract<MessageStatus, DeliveryEventKind>;
    attempts: number;
    provider: string | null;
    detail: Record<string, unknown>;
  },
): DeliveryOutcome {
  const { now } = context;
  const kind = fields.status;
  const event: DeliveryEventRecord = {
    id: context.newId(),
    workspaceId: message.workspaceId,
    customerId: message.customerId,
    idempotencyKey: message.idempotencyKey,
    kind,
    at: now,
    detail: { ...fields.detail, provider: fields.provider },
  };
  return {
    workspaceId: message.workspaceId,
    idempotencyKey: message.idempotencyKey,
    owner: context.owner,
    at: now,
    status: fields.status,
    attempts: fields.attempts,
    nextAttemptAt: now,
    provider: fields.provider,
    events: [event],
  };
}
