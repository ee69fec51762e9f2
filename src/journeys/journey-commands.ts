import type { EventSnapshot, Outcome, Properties, TriggerSnapshot } from './run-state.ts';

/**
 * What a step asks the runtime to do. Side effects carry an idempotency key derived from
 * (run, node, visit): replaying a step after a crash yields the same keys, and the outbox
 * drops what it has already accepted.
 */
export type JourneyCommand =
  | { readonly type: 'schedule_timer'; readonly timerId: string; readonly nodeId: string; readonly dueAt: number }
  | { readonly type: 'cancel_timer'; readonly timerId: string }
  | SendMessageCommand
  | UpdateTraitsCommand
  | CallWebhookCommand
  | RecordCommand
  | { readonly type: 'finish'; readonly outcome: Outcome; readonly at: number };

/** Which run and node an effect comes from, for the outbox, the timeline and per-node counts. */
export interface RunRef {
  readonly runId: string;
  readonly journeyId: string;
  readonly version: number;
  readonly customerId: string;
  readonly nodeId: string;
}

export interface SendMessageCommand {
  readonly type: 'send_message';
  readonly idempotencyKey: string;
  readonly run: RunRef;
  readonly template: string;
  readonly channel: 'email' | 'sms' | 'whatsapp' | 'push' | 'in_app' | 'voice' | 'best';
  readonly priority: 'transactional' | 'service' | 'marketing';
  /** The subscription group (consent topic) the message belongs to. */
  readonly topic?: string;
  /** Send at the customer's best hour within this many ms (decisioning), not at once. */
  readonly bestTimeWithinMs?: number;
  /** Template variables from the node, plus the events a template may quote. */
  readonly data: Properties;
  readonly trigger: TriggerSnapshot;
  readonly event: EventSnapshot | null;
}

export interface UpdateTraitsCommand {
  readonly type: 'update_traits';
  readonly idempotencyKey: string;
  readonly run: RunRef;
  readonly set: Properties;
  readonly unset: readonly string[];
}

export interface CallWebhookCommand {
  readonly type: 'call_webhook';
  readonly idempotencyKey: string;
  readonly run: RunRef;
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly body: Properties;
}

export type RecordKind = 'entered' | 'completed' | 'converted' | 'exited' | 'errored';

/** An observation for per-node counts and the customer's timeline. */
export interface RecordCommand {
  readonly type: 'record';
  readonly kind: RecordKind;
  /** Null when the run ends before entering any node. */
  readonly nodeId: string | null;
  readonly at: number;
  /** `then`/`else`, `matched`/`timeout`, or a split branch's name. */
  readonly branch?: string;
  /** Why a run exited, errored or converted (the goal's name or event). */
  readonly reason?: string;
  /** On conversion: the branch taken at every random split, keyed by split node. */
  readonly splits?: Readonly<Record<string, string>>;
}

export type CommandType = JourneyCommand['type'];

export function idempotencyKey(runId: string, nodeId: string, visit: number): string {
  return `${runId}:${nodeId}:${visit}`;
}

export function timerIdFor(runId: string, nodeId: string, visit: number): string {
  return `${idempotencyKey(runId, nodeId, visit)}:timer`;
}
