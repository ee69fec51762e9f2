import {
  idempotencyKey,
  type JourneyCommand,
  type RecordCommand,
  type RunRef,
  timerIdFor,
} from './journey-commands.ts';
import type { JourneyDefinition } from './journey-schema.ts';
import type { EventSnapshot, Outcome, RunState, SegmentMemberships, Waiting } from './run-state.ts';

/**
 * The mutable working copy of a run during one step. It is created from the stored state,
 * collects commands, and turns back into a fresh immutable state at the end; nothing outside
 * the step ever sees it.
 */
export class RunDraft {
  readonly commands: JourneyCommand[] = [];
  traits: Record<string, unknown>;
  segments: SegmentMemberships;
  visits: Record<string, number>;
  splits: Record<string, string>;
  lastEvent: EventSnapshot | null;
  waiting: Waiting | null;
  outcome: Outcome | null;

  readonly definition: JourneyDefinition;
  readonly base: RunState;
  readonly now: number;
  readonly random: () => number;

  constructor(from: { definition: JourneyDefinition; base: RunState; now: number; random: () => number }) {
    const { base } = from;
    this.definition = from.definition;
    this.base = base;
    this.now = from.now;
    this.random = from.random;
    this.traits = { ...base.traits };
    this.segments = base.segments ?? {};
    this.visits = { ...base.visits };
    this.splits = { ...base.splits };
    this.lastEvent = base.lastEvent;
    this.waiting = base.waiting;
    this.outcome = base.outcome;
  }

  /** Counts the visit and records the entry; returns the visit number for idempotency keys. */
  enter(nodeId: string): number {
    const visit = (this.visits[nodeId] ?? 0) + 1;
    this.visits[nodeId] = visit;
    this.record({ kind: 'entered', nodeId });
    return visit;
  }

  record(fields: Omit<RecordCommand, 'type' | 'at'>): void {
    this.commands.push({ type: 'record', at: this.now, ...fields });
  }

  runRef(nodeId: string): RunRef {
    const { runId, journeyId, version, customerId } = this.base;
    return { runId, journeyId, version, customerId, nodeId };
  }

  keyFor(nodeId: string, visit: number): string {
    return idempotencyKey(this.base.runId, nodeId, visit);
  }

  suspend(kind: Waiting['kind'], place: { nodeId: string; visit: number; dueAt: number }): void {
    const timerId = timerIdFor(this.base.runId, place.nodeId, place.visit);
    this.commands.push({ type: 'schedule_timer', timerId, nodeId: place.nodeId, dueAt: place.dueAt });
    this.waiting = { kind, timerId, ...place };
  }

  /** Leaves the current wait early (an awaited event, a goal or an exit): its timer must not fire. */
  stopWaiting(): void {
    if (this.waiting) this.commands.push({ type: 'cancel_timer', timerId: this.waiting.timerId });
    this.waiting = null;
  }

  finish(outcome: Outcome): void {
    this.stopWaiting();
    this.outcome = outcome;
    this.commands.push({ type: 'finish', outcome, at: this.now });
  }

  toState(): RunState {
    return {
      ...this.base,
      status: this.outcome === null ? 'waiting' : 'finished',
      outcome: this.outcome,
      updatedAt: this.now,
      traits: this.traits,
      segments: this.segments,
      visits: this.visits,
      splits: this.splits,
      lastEvent: this.lastEvent,
      waiting: this.waiting,
    };
  }
}
