import { assertNever } from './assert-never.ts';
import { matchesEvent } from './event-match.ts';
import type { JourneyCommand } from './journey-commands.ts';
import type { JourneyDefinition } from './journey-schema.ts';
import { isValidTimeZone } from './local-time.ts';
import { executeNode } from './node-execution.ts';
import { RunDraft } from './run-draft.ts';
import type { EventSnapshot, RunState, StepInput } from './run-state.ts';

/**
 * The journey engine's pure core: one input in, the next state and the commands for the
 * runtime out. It never reads the clock, randomness or storage; `now` and `random` come in.
 *
 *   start ──▶ nodes run until a wait or an exit ──▶ { state, commands }
 *   timer_fired / event ──▶ resume at the wait (or convert / exit) ──▶ { state, commands }
 */

export interface StepArgs {
  readonly definition: JourneyDefinition;
  /** Null only for `start`. */
  readonly state: RunState | null;
  readonly input: StepInput;
  readonly now: number;
  /** Draws in [0, 1) for random splits; pass a seeded one (see seeded-random.ts) for replays. */
  readonly random: () => number;
}

export interface StepResult {
  readonly state: RunState;
  readonly commands: readonly JourneyCommand[];
}

/** Journeys are acyclic between waits (the graph check), so this only stops unchecked definitions. */
export const MAX_NODES_PER_STEP = 500;

export function step(args: StepArgs): StepResult {
  const { input, state } = args;
  if (input.type === 'start') {
    if (state) throw new Error(`run ${state.runId} has already started`);
    return startRun(args, input);
  }
  if (!state) throw new Error(`a ${input.type} input needs the run's state`);
  if (state.journeyId !== args.definition.id || state.version !== args.definition.version) {
    // Runs finish on the version they started on; stepping one with another version is a runtime bug.
    throw new Error(`run ${state.runId} is on ${state.journeyId} v${state.version}, not v${args.definition.version}`);
  }
  // A finished run ignores late timers and events, so a redelivered input is harmless.
  if (state.status === 'finished') return { state, commands: [] };
  const draft = new RunDraft({ definition: args.definition, base: state, now: args.now, random: args.random });
  switch (input.type) {
    case 'timer_fired':
      if (input.segments) draft.segments = input.segments;
      resumeOnTimer(draft, input.timerId);
      break;
    case 'event':
      if (input.traits) draft.traits = { ...input.traits };
      if (input.segments) draft.segments = input.segments;
      resumeOnEvent(draft, input.event);
      break;
    case 'cancel':
      draft.record({ kind: 'exited', nodeId: draft.waiting?.nodeId ?? null, reason: input.reason });
      draft.finish('exited');
      break;
    default:
      return assertNever(input);
  }
  return { state: draft.toState(), commands: draft.commands };
}

function startRun(args: StepArgs, input: Extract<StepInput, { type: 'start' }>): StepResult {
  const { definition, now } = args;
  const base: RunState = {
    runId: input.runId,
    journeyId: definition.id,
    version: definition.version,
    customerId: input.customer.id,
    status: 'waiting',
    outcome: null,
    startedAt: now,
    updatedAt: now,
    timezone: pickTimeZone(input.customer.timezone, definition.timezone),
    traits: input.customer.traits,
    segments: input.customer.segments ?? {},
    trigger: input.trigger,
    lastEvent: null,
    visits: {},
    splits: {},
    waiting: null,
  };
  const draft = new RunDraft({ definition, base, now, random: args.random });
  advance(draft, definition.start);
  return { state: draft.toState(), commands: draft.commands };
}

function pickTimeZone(customer: string | null, journey: string | undefined): string {
  if (customer && isValidTimeZone(customer)) return customer;
  return journey ?? 'UTC';
}

/** Only the timer of the current wait counts; a stale one (already cancelled, or replayed) is ignored. */
function resumeOnTimer(draft: RunDraft, timerId: string): void {
  const waiting = draft.waiting;
  if (!waiting || waiting.timerId !== timerId) return;
  const node = draft.definition.nodes[waiting.nodeId];
  draft.waiting = null;
  if (node?.type === 'wait_for_event') {
    draft.record({ kind: 'completed', nodeId: waiting.nodeId, branch: 'timeout' });
    advance(draft, node.next.timeout);
  } else if (node?.type === 'wait' || node?.type === 'wait_until') {
    draft.record({ kind: 'completed', nodeId: waiting.nodeId });
    advance(draft, node.next);
  } else {
    fail(draft, waiting.nodeId, `node "${waiting.nodeId}" is not a wait in version ${draft.base.version}`);
  }
}

/** Goals first (the customer did what we hoped), then exit criteria, then the awaited event. */
function resumeOnEvent(draft: RunDraft, event: EventSnapshot): void {
  const { definition, base } = draft;
  const nodeId = draft.waiting?.nodeId ?? null;
  const goal = definition.goals.find((g) => matchesEvent(g, event, base.trigger));
  if (goal) {
    draft.record({ kind: 'converted', nodeId, reason: goal.name ?? goal.event, splits: { ...draft.splits } });
    draft.finish('converted');
    return;
  }
  const exit = definition.exits.find((e) => matchesEvent(e, event, base.trigger));
  if (exit) {
    draft.record({ kind: 'exited', nodeId, reason: exit.event });
    draft.finish('exited');
    return;
  }
  const node = nodeId === null ? undefined : definition.nodes[nodeId];
  if (node?.type === 'wait_for_event' && nodeId !== null && matchesEvent(node, event, base.trigger)) {
    draft.stopWaiting();
    draft.lastEvent = event;
    draft.record({ kind: 'completed', nodeId, branch: 'matched' });
    advance(draft, node.next.matched);
  }
}

/** Runs nodes from `from` until one waits or the run ends. */
function advance(draft: RunDraft, from: string): void {
  let nodeId = from;
  for (let count = 0; count < MAX_NODES_PER_STEP; count += 1) {
    const node = draft.definition.nodes[nodeId];
    if (!node) {
      fail(draft, nodeId, `no node "${nodeId}"`);
      return;
    }
    const visit = draft.enter(nodeId);
    const result = executeNode(draft, node, { nodeId, visit });
    switch (result.kind) {
      case 'wait':
        return;
      case 'finish':
        draft.record({ kind: 'completed', nodeId });
        draft.finish('completed');
        return;
      case 'next':
        draft.record(
          result.branch === undefined
            ? { kind: 'completed', nodeId }
            : { kind: 'completed', nodeId, branch: result.branch },
        );
        nodeId = result.nodeId;
        break;
      default:
        assertNever(result);
    }
  }
  fail(draft, nodeId, `more than ${MAX_NODES_PER_STEP} nodes without a wait`);
}

function fail(draft: RunDraft, nodeId: string, reason: string): void {
  draft.record({ kind: 'errored', nodeId, reason });
  draft.finish('errored');
}
