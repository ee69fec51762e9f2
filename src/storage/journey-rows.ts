import type { Insertable, Selectable } from 'kysely';
import type { JourneyDefinition } from '../journeys/journey-schema.ts';
import type { RunState } from '../journeys/run-state.ts';
import type {
  JourneyRecord,
  JourneyStatus,
  JourneyVersionRecord,
  OutboxRecord,
  RunRecord,
  RunSummary,
  TimerRecord,
  TriggerTimerKind,
  TriggerTimerRecord,
} from './journey-store.ts';
import type { Database } from './schema.ts';

/** Converts between journey table rows and the port's records. */

type Row<T extends keyof Database> = Selectable<Database[T]>;

export function journeyFromRow(row: Row<'journeys'>): JourneyRecord {
  return {
    workspaceId: row.workspace_id,
    id: row.id,
    name: row.name,
    status: row.status as JourneyStatus,
    latestVersion: Number(row.latest_version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function journeyToRow(journey: JourneyRecord): Row<'journeys'> {
  return {
    workspace_id: journey.workspaceId,
    id: journey.id,
    name: journey.name,
    status: journey.status,
    latest_version: journey.latestVersion,
    created_at: journey.createdAt,
    updated_at: journey.updatedAt,
  };
}

export function versionFromRow(row: Row<'journey_versions'>): JourneyVersionRecord {
  return {
    workspaceId: row.workspace_id,
    journeyId: row.journey_id,
    version: Number(row.version),
    definition: JSON.parse(row.definition) as JourneyDefinition,
    createdAt: Number(row.created_at),
  };
}

export function runToRow(run: RunRecord): Row<'journey_runs'> {
  const { state } = run;
  return {
    id: state.runId,
    workspace_id: run.workspaceId,
    journey_id: state.journeyId,
    version: state.version,
    customer_id: state.customerId,
    status: state.status,
    outcome: state.outcome,
    node_id: state.waiting?.nodeId ?? null,
    started_at: state.startedAt,
    updated_at: state.updatedAt,
    state: JSON.stringify(state),
    path: JSON.stringify(run.path),
  };
}

/** The row's customer wins over the state's: a merge moves runs to the surviving customer. */
export function runFromRow(
  row: Pick<Row<'journey_runs'>, 'workspace_id' | 'customer_id' | 'state' | 'path'>,
): RunRecord {
  const state = JSON.parse(row.state) as RunState;
  return {
    workspaceId: row.workspace_id,
    state: state.customerId === row.customer_id ? state : { ...state, customerId: row.customer_id },
    path: JSON.parse(row.path),
  };
}

export const RUN_SUMMARY_COLUMNS = [
  'id',
  'workspace_id',
  'journey_id',
  'version',
  'customer_id',
  'status',
  'outcome',
  'node_id',
  'started_at',
  'updated_at',
] as const;

export function summaryFromRow(row: Omit<Row<'journey_runs'>, 'state' | 'path'>): RunSummary {
  return {
    runId: row.id,
    workspaceId: row.workspace_id,
    journeyId: row.journey_id,
    version: Number(row.version),
    customerId: row.customer_id,
    status: row.status as RunState['status'],
    outcome: row.outcome as RunState['outcome'],
    nodeId: row.node_id,
    startedAt: Number(row.started_at),
    updatedAt: Number(row.updated_at),
  };
}

export function timerToRow(timer: TimerRecord): Row<'journey_timers'> {
  return {
    id: timer.timerId,
    workspace_id: timer.workspaceId,
    run_id: timer.runId,
    customer_id: timer.customerId,
    due_at: timer.dueAt,
  };
}

export function timerFromRow(row: Row<'journey_timers'>): TimerRecord {
  return {
    timerId: row.id,
    workspaceId: row.workspace_id,
    runId: row.run_id,
    customerId: row.customer_id,
    dueAt: Number(row.due_at),
  };
}

export function triggerTimerToRow(timer: TriggerTimerRecord): Row<'journey_trigger_timers'> {
  return {
    workspace_id: timer.workspaceId,
    journey_id: timer.journeyId,
    customer_id: timer.customerId,
    kind: timer.kind,
    plan: timer.plan,
    due_at: timer.dueAt,
    since: timer.since,
    after: timer.after,
  };
}

export function triggerTimerFromRow(row: Row<'journey_trigger_timers'>): TriggerTimerRecord {
  return {
    workspaceId: row.workspace_id,
    journeyId: row.journey_id,
    customerId: row.customer_id,
    kind: row.kind as TriggerTimerKind,
    plan: row.plan,
    dueAt: row.due_at === null ? null : Number(row.due_at),
    since: row.since === null ? null : Number(row.since),
    after: row.after,
  };
}

export function outboxToRow(entry: OutboxRecord): Insertable<Database['outbox']> {
  return {
    workspace_id: entry.workspaceId,
    idempotency_key: entry.idempotencyKey,
    customer_id: entry.customerId,
    run_id: entry.runId,
    journey_id: entry.journeyId,
    node_id: entry.nodeId,
    kind: entry.kind,
    channel: entry.channel,
    status: entry.status,
    payload: JSON.stringify(entry.payload),
    created_at: entry.createdAt,
    updated_at: entry.updatedAt,
    message_class: entry.messageClass ?? null,
    next_attempt_at: entry.nextAttemptAt ?? 0,
  };
}

export function outboxFromRow(row: Row<'outbox'>): OutboxRecord {
  return {
    workspaceId: row.workspace_id,
    idempotencyKey: row.idempotency_key,
    customerId: row.customer_id,
    runId: row.run_id,
    journeyId: row.journey_id,
    nodeId: row.node_id,
    kind: row.kind as OutboxRecord['kind'],
    channel: row.channel,
    status: row.status,
    payload: JSON.parse(row.payload),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    messageClass: row.message_class,
    nextAttemptAt: Number(row.next_attempt_at),
  };
}
