import type { JourneyDefinition } from '../journeys/journey-schema.ts';
import type { RunState } from '../journeys/run-state.ts';
import type { EngagementIncrement } from './decision-store.ts';
import type { NewEvent } from './store.ts';

/** The part of the storage port that journeys use: definitions, runs, timers, counts and the outbox. */

export type JourneyStatus = 'draft' | 'live' | 'paused' | 'archived';

export interface JourneyRecord {
  workspaceId: string;
  id: string;
  name: string;
  status: JourneyStatus;
  /** The version new runs start on; older versions stay for runs in flight. */
  latestVersion: number;
  createdAt: number;
  updatedAt: number;
}

export interface JourneyVersionRecord {
  workspaceId: string;
  journeyId: string;
  version: number;
  definition: JourneyDefinition;
  createdAt: number;
}

/** One step of a run's path, for the customer's timeline and the run inspector. */
export interface PathEntry {
  at: number;
  nodeId: string | null;
  kind: string;
  branch?: string;
  reason?: string;
}

export interface RunRecord {
  workspaceId: string;
  state: RunState;
  path: PathEntry[];
}

/** A run without its state: enough to decide entry and to list runs. */
export interface RunSummary {
  runId: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  customerId: string;
  status: RunState['status'];
  outcome: RunState['outcome'];
  nodeId: string | null;
  startedAt: number;
  updatedAt: number;
}

export interface TimerRecord {
  timerId: string;
  workspaceId: string;
  runId: string;
  customerId: string;
  dueAt: number;
}

export type TriggerTimerKind = 'date' | 'schedule' | 'backfill';

/**
 * A timer of a schedule or date-trait trigger. `customerId` names the customer of a `date` timer;
 * it is null for the journey's own timer (`schedule`: the next occurrence; `backfill`: the walk
 * that sets every customer's date timer, kept with `dueAt` null once done).
 */
export interface TriggerTimerRecord {
  workspaceId: string;
  journeyId: string;
  customerId: string | null;
  kind: TriggerTimerKind;
  /** What the row was planned for (the trigger and the journey's zone, as text): a new one replans. */
  plan: string;
  dueAt: number | null;
  /** Schedule: the previous occurrence; a zone is due when its first occurrence after this is by `dueAt`. */
  since: number | null;
  /** Walks: the last customer id done ('' = none yet). */
  after: string;
}

/** Replaces every trigger timer of a journey and customer (null: the journey's own) with `timer`, or none. */
export interface TriggerTimerUpdate {
  workspaceId: string;
  journeyId: string;
  customerId: string | null;
  timer: TriggerTimerRecord | null;
}

/** Customers of a workspace whose timezone column is one of `timezones` (null: none set), in id order. */
export interface ZoneQuery {
  workspaceId: string;
  timezones: readonly (string | null)[];
  /** Only members of this segment. */
  segmentId?: string;
  after: string;
  limit: number;
}

export interface OutboxRecord {
  workspaceId: string;
  idempotencyKey: string;
  customerId: string;
  runId: string | null;
  journeyId: string | null;
  nodeId: string | null;
  kind: 'message' | 'webhook';
  channel: string | null;
  /** `pending` waits for delivery; `suppressed` was decided against (the payload says why). */
  status: string;
  payload: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** A message's class (caps count by it). */
  messageClass?: string | null;
  /** A `scheduled` message's planned time (the decision engine delayed it). */
  nextAttemptAt?: number;
}

export interface NodeCount {
  workspaceId: string;
  journeyId: string;
  version: number;
  nodeId: string;
  kind: string;
  /** '' when not counted per branch. */
  branch: string;
  count: number;
}

/** Everything one batch of journey steps changes, written in one transaction. */
export interface JourneyChange {
  /** Inserted or replaced whole. */
  runs: RunRecord[];
  addTimers: TimerRecord[];
  deleteTimers: string[];
  /** Timers given up on for now (they failed again and again): due again later, if still there. */
  postponeTimers?: { timerId: string; dueAt: number }[];
  /** An entry whose idempotency key is already there is skipped: a replayed step never sends twice. */
  outbox: OutboxRecord[];
  /** Events the journeys emit (trait updates), skipped when their messageId is already stored. */
  events: NewEvent[];
  /** Added to the stored counts. */
  counts: NodeCount[];
  /** `scheduled` entries decided again when their timer fired: replaced only while still `scheduled`. */
  outboxUpdates?: OutboxRecord[];
  /** Sends decided, added to the engagement counters (per customer, channel and hour of week). */
  engagement?: EngagementIncrement[];
  /** Applied in order after the runs; a later update of the same pair wins. */
  triggerTimers?: TriggerTimerUpdate[];
  /** Journeys no longer live: every trigger timer of theirs goes. */
  dropTriggers?: { workspaceId: string; journeyId: string }[];
  /** Advanced only if `owner` still holds the lease; otherwise nothing in the change is written. */
  cursor?: { name: string; position: number; owner: string };
}

export interface RunQuery {
  workspaceId: string;
  journeyId?: string;
  customerId?: string;
  status?: RunState['status'];
  limit: number;
  /** A run id: only runs started before it (ids sort by start time). */
  before?: string;
}

export interface OutboxQuery {
  workspaceId: string;
  customerId?: string;
  journeyId?: string;
  status?: string;
  channel?: string;
  limit: number;
}

/** How far `seenNames` looks back: the newest events and the newest customers of a workspace. */
export interface SeenNamesScan {
  events: number;
  customers: number;
}

export interface JourneyStore {
  saveJourney(journey: JourneyRecord, version?: JourneyVersionRecord): Promise<void>;
  getJourney(workspaceId: string, journeyId: string): Promise<JourneyRecord | undefined>;
  listJourneys(workspaceId: string): Promise<JourneyRecord[]>;
  getVersion(workspaceId: string, journeyId: string, version: number): Promise<JourneyVersionRecord | undefined>;
  listVersions(workspaceId: string, journeyId: string): Promise<JourneyVersionRecord[]>;
  /** The latest version of every live journey in every workspace: what triggers are matched against. */
  liveVersions(): Promise<JourneyVersionRecord[]>;

  /** Every run of these customers (of these journeys, if given); state only comes with `getRuns`. */
  runSummaries(
    workspaceId: string,
    customerIds: readonly string[],
    journeyIds?: readonly string[],
  ): Promise<RunSummary[]>;
  /** The waiting runs of these customers, with state. */
  waitingRuns(workspaceId: string, customerIds: readonly string[]): Promise<RunRecord[]>;
  getRuns(runIds: readonly string[]): Promise<RunRecord[]>;
  listRuns(query: RunQuery): Promise<RunSummary[]>;

  /** Timers due at or before `now`, earliest first. */
  dueTimers(now: number, limit: number): Promise<TimerRecord[]>;
  countTimers(): Promise<number>;

  /** Trigger timers due at or before `now`, earliest first. */
  dueTriggerTimers(now: number, limit: number): Promise<TriggerTimerRecord[]>;
  /** Every journey's own trigger timer (no customer), due or not: what has been planned. */
  triggerPlans(): Promise<TriggerTimerRecord[]>;
  /** A journey's trigger timers (its customers' and its own). For inspection and tests. */
  listTriggerTimers(workspaceId: string, journeyId: string): Promise<TriggerTimerRecord[]>;
  /** The distinct values of the timezone column among the workspace's customers (null included). */
  customerZones(workspaceId: string): Promise<(string | null)[]>;
  /** Customer ids in some zones (and segment), after `after` in id order: a page of a schedule occurrence. */
  customersInZones(query: ZoneQuery): Promise<string[]>;

  applyJourneyChange(change: JourneyChange): Promise<void>;

  nodeCounts(workspaceId: string, journeyId: string): Promise<NodeCount[]>;
  listOutbox(query: OutboxQuery): Promise<OutboxRecord[]>;
  countOutbox(workspaceId: string): Promise<number>;
  /** Messages still to go (pending or held) that render this template when they do. */
  countWaitingWithTemplate(workspaceId: string, templateId: string, channels?: readonly string[]): Promise<number>;

  /** Track event names and trait names among the workspace's newest events and customers, sorted. */
  seenNames(workspaceId: string, scan: SeenNamesScan): Promise<{ events: string[]; traits: string[] }>;
}
