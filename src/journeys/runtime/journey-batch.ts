import { messageIdentityOf } from '../../profiles/message-identity.ts';
import type { EngagementIncrement } from '../../storage/decision-store.ts';
import type {
  JourneyChange,
  NodeCount,
  OutboxRecord,
  PathEntry,
  RunRecord,
  TriggerTimerUpdate,
} from '../../storage/journey-store.ts';
import type { IdentityRecord, NewEvent, ProfileRecord, Store } from '../../storage/store.ts';
import type { SuppressionRecord } from '../../storage/suppression-store.ts';
import { assertNever } from '../assert-never.ts';
import type { JourneyCommand, RecordCommand, SendMessageCommand, UpdateTraitsCommand } from '../journey-commands.ts';
import type { StepResult } from '../journey-step.ts';
import type { RunState } from '../run-state.ts';
import { decideMessages, type PendingMessage, pendingFromScheduled, pendingMessageOf } from './message-sends.ts';

/** What the batch knows about a customer when it turns commands into rows. */
export interface CustomerContext {
  readonly profile: ProfileRecord | undefined;
  readonly identities: readonly IdentityRecord[];
  /** The customer's addresses on the suppression list: sends never choose them. */
  readonly suppressions?: readonly SuppressionRecord[];
}

/** A run's path keeps its first entries; the counts keep the totals. */
const MAX_PATH_ENTRIES = 300;

/**
 * Collects the effects of many steps into one JourneyChange, so a batch of events or timers
 * commits in one transaction: run states, timers, outbox entries, trait updates and counts.
 */
export class JourneyBatch {
  private readonly runs = new Map<string, RunRecord>();
  private readonly addTimers = new Map<string, JourneyChange['addTimers'][number]>();
  private readonly deleteTimers = new Set<string>();
  private readonly postponeTimers: { timerId: string; dueAt: number }[] = [];
  private readonly outbox: JourneyChange['outbox'] = [];
  private readonly outboxUpdates: OutboxRecord[] = [];
  private readonly engagement: EngagementIncrement[] = [];
  /** Messages the steps asked for, decided together by `decideMessages`. */
  private readonly messages: PendingMessage[] = [];
  private readonly events: NewEvent[] = [];
  private readonly counts = new Map<string, NodeCount>();
  private readonly triggerTimers: TriggerTimerUpdate[] = [];
  private readonly dropTriggers: { workspaceId: string; journeyId: string }[] = [];
  /** How many steps changed something. */
  steps = 0;

  constructor(private readonly now: number) {}

  /** Applies one step's result to `run` (its record before the step) and returns the record after it. */
  apply(
    run: { workspaceId: string; path: PathEntry[]; state?: RunState },
    result: StepResult,
    customer: CustomerContext,
  ): RunRecord {
    const after: RunRecord = { workspaceId: run.workspaceId, state: result.state, path: [...run.path] };
    for (const command of result.commands) this.carryOut(after, command, customer);
    this.countWaiting(after, run.state?.waiting?.nodeId, result.state.waiting?.nodeId);
    if (result.commands.length > 0) {
      this.runs.set(result.state.runId, after);
      this.steps += 1;
    }
    return after;
  }

  /**
   * Keeps "waiting at node" as a running count (+1 on parking, −1 on leaving), committed with the
   * run, so stats never count the runs table.
   */
  private countWaiting(run: RunRecord, before: string | undefined, after: string | undefined): void {
    if (before === after) return;
    if (before !== undefined) this.count(run, before, 'waiting', '', -1);
    if (after !== undefined) this.count(run, after, 'waiting', '', 1);
  }

  /** Counts a run that has just started, for the journey's totals. */
  started(run: RunRecord): void {
    this.count(run, '', 'started', '');
  }

  /** A due timer is gone once it has been handled, whatever its run made of it. */
  timerFired(timerId: string): void {
    if (!this.addTimers.delete(timerId)) this.deleteTimers.add(timerId);
  }

  /** A due timer given up on for now: it is due again at `dueAt`, unless something removes it before. */
  postponeTimer(timerId: string, dueAt: number): void {
    this.postponeTimers.push({ timerId, dueAt });
  }

  /** Replaces the pair's trigger timer (a later call for the same pair wins). */
  setTriggerTimer(update: TriggerTimerUpdate): void {
    this.triggerTimers.push(update);
  }

  /** Removes every trigger timer of a journey that is no longer live. */
  dropTriggersOf(workspaceId: string, journeyId: string): void {
    this.dropTriggers.push({ workspaceId, journeyId });
  }

  /**
   * The rows to commit. Outbox entries are stamped `at` (the moment before the commit, after the
   * batch's work), so created_at shows when a message really reached the outbox.
   */
  change(cursor?: JourneyChange['cursor'], at = this.now): JourneyChange {
    if (this.messages.length > 0) throw new Error('JourneyBatch.change before decideMessages: messages would be lost');
    return {
      runs: [...this.runs.values()],
      addTimers: [...this.addTimers.values()],
      deleteTimers: [...this.deleteTimers],
      postponeTimers: this.postponeTimers,
      outbox: this.outbox.map((entry) => ({ ...entry, createdAt: at, updatedAt: at })),
      outboxUpdates: this.outboxUpdates.map((entry) => ({ ...entry, updatedAt: at })),
      engagement: this.engagement,
      events: this.events,
      counts: [...this.counts.values()],
      triggerTimers: this.triggerTimers,
      dropTriggers: this.dropTriggers,
      cursor,
    };
  }

  private carryOut(run: RunRecord, command: JourneyCommand, customer: CustomerContext): void {
    const { state, workspaceId } = run;
    switch (command.type) {
      case 'schedule_timer':
        this.addTimers.set(command.timerId, {
          timerId: command.timerId,
          workspaceId,
          runId: state.runId,
          customerId: state.customerId,
          dueAt: command.dueAt,
        });
        return;
      case 'cancel_timer':
        this.timerFired(command.timerId);
        return;
      case 'send_message':
        this.queueMessage(workspaceId, command, customer);
        return;
      case 'update_traits':
        this.queueTraitUpdate(workspaceId, command, customer);
        return;
      case 'call_webhook':
        this.outbox.push({
          workspaceId,
          idempotencyKey: command.idempotencyKey,
          customerId: state.customerId,
          runId: state.runId,
          journeyId: state.journeyId,
          nodeId: command.run.nodeId,
          kind: 'webhook',
          channel: 'webhook',
          status: 'pending',
          payload: { url: command.url, method: command.method, body: command.body },
          createdAt: this.now,
          updatedAt: this.now,
        });
        return;
      case 'record':
        this.record(run, command);
        return;
      case 'finish':
        this.count(run, '', command.outcome, '');
        return;
      default:
        assertNever(command);
    }
  }

  private queueMessage(workspaceId: string, command: SendMessageCommand, customer: CustomerContext): void {
    this.messages.push(pendingMessageOf({ workspaceId, command, customer, now: this.now }));
  }

  /** A `scheduled` message whose decision timer fired: decided again with the batch's other sends. */
  redecide(entry: OutboxRecord, customer: CustomerContext): void {
    this.messages.push(pendingFromScheduled(entry, customer));
  }

  /**
   * Decides the batch's messages (one load per kind for all of them) and turns them into outbox
   * entries, decision timers and engagement counts. Call once, after the steps, before `change`.
   */
  async decideMessages(store: Store): Promise<void> {
    if (this.messages.length === 0) return;
    const decided = await decideMessages(store, this.messages, this.now);
    this.messages.length = 0;
    this.outbox.push(...decided.outbox);
    this.outboxUpdates.push(...decided.outboxUpdates);
    this.engagement.push(...decided.engagement);
    for (const timer of decided.timers) this.addTimers.set(timer.timerId, timer);
  }

  /**
   * Trait updates go through the event log as an identify from the journey, so the profile
   * processor folds them like any other (no second writer of profiles) and the timeline shows
   * them. The idempotency key is the messageId: a replayed step is stored once.
   */
  private queueTraitUpdate(workspaceId: string, command: UpdateTraitsCommand, customer: CustomerContext): void {
    const identity = messageIdentityOf(customer.identities);
    if (!identity) return;
    const { userId, anonymousId } = identity;
    const traits: Record<string, unknown> = { ...command.set };
    for (const name of command.unset) traits[name] = null;
    const messageId = `journey:${command.idempotencyKey}`;
    const timestamp = new Date(this.now).toISOString();
    const payload = {
      type: 'identify',
      messageId,
      userId,
      anonymousId,
      traits,
      timestamp,
      receivedAt: timestamp,
      context: { godwit: { journeyId: command.run.journeyId, runId: command.run.runId, nodeId: command.run.nodeId } },
    };
    this.events.push({
      workspaceId,
      messageId,
      type: 'identify',
      event: null,
      userId,
      anonymousId,
      timestamp: this.now,
      receivedAt: this.now,
      payload: JSON.stringify(payload),
    });
  }

  private record(run: RunRecord, command: RecordCommand): void {
    if (run.path.length < MAX_PATH_ENTRIES) {
      const entry: PathEntry = { at: command.at, nodeId: command.nodeId, kind: command.kind };
      if (command.branch !== undefined) entry.branch = command.branch;
      if (command.reason !== undefined) entry.reason = command.reason;
      run.path.push(entry);
    }
    this.count(run, command.nodeId ?? '', command.kind, command.branch ?? '');
    // Conversions also count on the branch taken at every random split, to compare branches.
    if (command.kind === 'converted') {
      for (const [splitNode, branch] of Object.entries(command.splits ?? {})) {
        this.count(run, splitNode, 'converted_after', branch);
      }
    }
  }

  private count(run: RunRecord, nodeId: string, kind: string, branch: string, by = 1): void {
    const { state, workspaceId } = run;
    const key = `${workspaceId}\u0000${state.journeyId}\u0000${state.version}\u0000${nodeId}\u0000${kind}\u0000${branch}`;
    const seen = this.counts.get(key);
    if (seen) seen.count += by;
    else {
      this.counts.set(key, {
        workspaceId,
        journeyId: state.journeyId,
        version: state.version,
        nodeId,
        kind,
        branch,
        count: by,
      });
    }
  }
}
