import { approximateMs, parseDuration } from './duration.ts';
import { matchesEventTrigger } from './event-match.ts';
import type { JourneyDefinition } from './journey-schema.ts';
import { step } from './journey-step.ts';
import type {
  CustomerSnapshot,
  EventSnapshot,
  Outcome,
  Properties,
  RunState,
  StepInput,
  TriggerSnapshot,
} from './run-state.ts';
import { seededRandom, seedOf } from './seeded-random.ts';
import { type SimulatedDecide, SimulationReport } from './simulation-report.ts';

export type {
  PathStep,
  SimulatedDecide,
  SimulatedDecision,
  SimulatedMessage,
  SimulatedWait,
  TimedCommand,
} from './simulation-report.ts';

/** A customer event, optionally with the traits the customer had right after it. */
export type SimulatedEvent = EventSnapshot & { readonly traits?: Properties };

export interface SimulateOptions {
  readonly definition: JourneyDefinition;
  readonly customer: CustomerSnapshot;
  /** Past and future events; those after the start are delivered as the virtual clock reaches them. */
  readonly events: readonly SimulatedEvent[];
  readonly now: number;
  /** How far to look ahead; a run still waiting then is reported as waiting. Default 90d. */
  readonly horizon?: string;
  /** What starts the run; by default the latest matching past event, else the first future one. */
  readonly trigger?: TriggerSnapshot;
  readonly random?: () => number;
  readonly runId?: string;
  /** The decision engine for each send (the runtime's policy and the customer's data); none: sends are listed undecided. */
  readonly decide?: SimulatedDecide;
}

export interface SimulationResult {
  readonly status: 'finished' | 'waiting' | 'not_triggered';
  readonly outcome: Outcome | null;
  readonly startedAt: number | null;
  /** When the run finished, or the horizon. */
  readonly endedAt: number;
  readonly trigger: TriggerSnapshot | null;
  readonly path: SimulationReport['path'];
  readonly waits: SimulationReport['waits'];
  readonly messages: SimulationReport['messages'];
  /** Every command, with the virtual time it was produced at. */
  readonly timeline: SimulationReport['timeline'];
  readonly state: RunState | null;
}

const MAX_STEPS = 10_000;

/**
 * "What would this journey do for this customer, starting now?" Runs the pure stepper on a
 * virtual clock: timers fire at their due time, events arrive at their timestamps. Sends nothing.
 */
export function simulate(options: SimulateOptions): SimulationResult {
  const { definition, now } = options;
  const horizonAt = now + approximateMs(parseDuration(options.horizon ?? '90d'));
  const start = chooseStart(options);
  const report = new SimulationReport(definition, options.decide);
  if (!start || start.at > horizonAt) return emptyResult(report, horizonAt);
  const runId = options.runId ?? 'simulation';
  const random = options.random ?? seededRandom(seedOf(runId));
  const input: StepInput = { type: 'start', runId, customer: options.customer, trigger: start.trigger };
  const first = step({ definition, state: null, input, now: start.at, random });
  report.add(start.at, first.commands, 'event');
  const queue = options.events
    .filter((e) => e.timestamp >= start.at && e !== start.event)
    .sort((a, b) => a.timestamp - b.timestamp);
  let state = first.state;
  let clock = start.at;
  for (let steps = 0; state.status !== 'finished' && steps < MAX_STEPS; steps += 1) {
    const next = nextInput(report, queue);
    if (!next || next.at > horizonAt) break;
    clock = next.at;
    if (next.input.type === 'timer_fired') report.close(next.input.timerId, clock, 'timer');
    else queue.shift();
    const result = step({ definition, state, input: next.input, now: clock, random });
    report.add(clock, result.commands, next.input.type === 'timer_fired' ? 'timer' : 'event');
    state = result.state;
  }
  const finished = state.status === 'finished';
  if (!finished) report.closeAt(horizonAt);
  const { path, waits, messages, timeline } = report;
  const endedAt = finished ? clock : horizonAt;
  return {
    status: finished ? 'finished' : 'waiting',
    outcome: state.outcome,
    startedAt: start.at,
    endedAt,
    trigger: start.trigger,
    path,
    waits,
    messages,
    timeline,
    state,
  };
}

/** The earlier of the next due timer and the next event; an event wins a tie (it came in time). */
function nextInput(
  report: SimulationReport,
  queue: readonly SimulatedEvent[],
): { at: number; input: StepInput } | undefined {
  const timer = report.pendingTimers().sort((a, b) => a.dueAt - b.dueAt)[0];
  const event = queue[0];
  if (event && (!timer || event.timestamp <= timer.dueAt)) {
    const { traits, ...snapshot } = event;
    return { at: event.timestamp, input: { type: 'event', event: snapshot, traits } };
  }
  return timer ? { at: timer.dueAt, input: { type: 'timer_fired', timerId: timer.timerId } } : undefined;
}

interface Start {
  readonly at: number;
  readonly trigger: TriggerSnapshot;
  readonly event?: SimulatedEvent;
}

function chooseStart(options: SimulateOptions): Start | undefined {
  const { definition, events, now } = options;
  if (options.trigger) return { at: now, trigger: options.trigger };
  if (definition.trigger.type !== 'event') return { at: now, trigger: { event: null, properties: {}, timestamp: now } };
  const matching = events.filter((e) => matchesEventTrigger(definition.trigger, e));
  const past = matching.filter((e) => e.timestamp <= now).sort((a, b) => b.timestamp - a.timestamp)[0];
  if (past) return { at: now, trigger: toTrigger(past), event: past };
  const future = matching.sort((a, b) => a.timestamp - b.timestamp)[0];
  return future ? { at: future.timestamp, trigger: toTrigger(future), event: future } : undefined;
}

function toTrigger(event: SimulatedEvent): TriggerSnapshot {
  return { event: event.event, properties: event.properties, timestamp: event.timestamp };
}

function emptyResult(report: SimulationReport, horizonAt: number): SimulationResult {
  const { path, waits, messages, timeline } = report;
  return {
    status: 'not_triggered',
    outcome: null,
    startedAt: null,
    endedAt: horizonAt,
    trigger: null,
    path,
    waits,
    messages,
    timeline,
    state: null,
  };
}
