import { GodwitError, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { LeasedStage, type StageOptions } from '../../shared/leased-stage.ts';
import type { JourneyChange, TriggerTimerRecord } from '../../storage/journey-store.ts';
import type { Store, StoredEvent } from '../../storage/store.ts';
import { withRetries } from '../../storage/with-retries.ts';
import type { Properties } from '../run-state.ts';
import { runEventStage } from './event-stage.ts';
import { JourneyBatch } from './journey-batch.ts';
import { JourneyDefinitions } from './journey-definitions.ts';
import { loadBatchCustomers, needsHistory, RunStepper } from './run-stepper.ts';
import { POSTPONE_FAILING_TIMER_MS, type TimerHandling, TimerPassOver } from './timer-pass-over.ts';
import { runTimerStage } from './timer-stage.ts';
import { planTriggers } from './trigger-plans.ts';
import { runTriggerStage } from './trigger-stage.ts';

/** How far the runtime has read the event log. */
export const JOURNEY_CURSOR = 'journeys';
/** Held by the one process that fires timers; its position is when it last looked. */
export const TIMER_CURSOR = 'journey-timers';

export interface JourneyRuntimeOptions extends StageOptions {
  store: Store;
  /** Customers per page of a schedule occurrence or of a date-trait journey's first walk. */
  triggerPageSize?: number;
  /** A change with outbox entries committed: delivery can take them now. */
  onCommitted?: (change: JourneyChange) => void;
  /** Scale-out: events and run timers are handled per bus partition (src/cluster); this fires trigger timers only. */
  partitioned?: boolean;
  /** Tries of an event that keeps failing on its own before it is passed over (default 5). */
  maxAttempts?: number;
  /** Wait between tries (default 1 s). */
  retryDelayMs?: number;
}

export type TriggerResult = { entered: true; runId: string } | { entered: false; reason: string };

/**
 * Carries out journeys: reads profiled events in order and fires due timers, steps the pure core,
 * and commits each batch's runs, timers, outbox entries and counts in one transaction with the
 * cursor, so a crash replays a batch whole or not at all and idempotency keys absorb the rest.
 */
export class JourneyRuntime extends LeasedStage {
  readonly definitions: JourneyDefinitions;
  private readonly eventBatchSize: number;
  private readonly timerBatchSize: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  /** Aborted by `stop`, so a retry waiting out a store outage does not hold up shutting down. */
  private stopping = new AbortController();
  /** Trigger timers that kept failing on their own (by `triggerKey`), and until when they are passed over. */
  private readonly heldBack = new Map<string, number>();
  private readonly runTimers: TimerPassOver;
  private readonly triggerTimers: TimerPassOver;
  /** The definitions generation whose trigger timers have been planned. */
  private plannedGeneration = -1;

  constructor(private readonly options: JourneyRuntimeOptions) {
    super('journey runtime', options, [JOURNEY_CURSOR, TIMER_CURSOR]);
    this.definitions = new JourneyDefinitions(options.store.journeys);
    this.eventBatchSize = options.eventBatchSize ?? 2000;
    this.timerBatchSize = options.timerBatchSize ?? 2000;
    this.leaseMs = options.leaseMs ?? 5_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 1_000;
    const passOver = {
      retrying: (attempt: () => Promise<void>, maxAttempts: number) =>
        this.retrying(attempt, maxAttempts, 'journey timers'),
      maxAttempts: this.maxAttempts,
      logger: options.logger,
    };
    this.runTimers = new TimerPassOver(passOver);
    this.triggerTimers = new TimerPassOver(passOver);
  }

  override async stop(): Promise<void> {
    this.stopping.abort();
    await super.stop();
    // Tests drive a stopped runtime by hand (processEvents): its retries wait again.
    this.stopping = new AbortController();
  }

  protected async slice(): Promise<number> {
    if (this.options.partitioned) return this.triggerBatch();
    return (await this.eventBatch()) + (await this.timerBatch()) + (await this.triggerBatch());
  }

  /** A journey was created, changed or paused: triggers are matched against the new list. */
  journeysChanged(): void {
    this.definitions.invalidate();
    this.loop.notify();
  }

  /** Processes every profiled event not yet seen; returns how many. For tests and the CLI. */
  processEvents(): Promise<number> {
    return this.loop.drain(() => this.eventBatch());
  }

  /**
   * Fires every timer due by the clock's now, run timers and trigger timers (schedule occurrences
   * page by page, date-trait starts); returns how many. For tests with a moved clock.
   */
  fireDueTimers(): Promise<number> {
    return this.loop.drain(async () => (await this.timerBatch()) + (await this.triggerBatch()));
  }

  /** Starts a run of a live journey with an `api` trigger for one customer. */
  trigger(workspaceId: string, journeyId: string, request: { customerId: string; properties: Properties }) {
    return this.loop.inTurn(async (): Promise<TriggerResult> => {
      const { store, clock } = this.options;
      const now = clock.now();
      this.definitions.invalidate();
      await this.definitions.refresh(now);
      const live = this.definitions.liveJourney(workspaceId, journeyId);
      if (!live) throw new GodwitError('conflict', `journey ${journeyId} is not live, so it cannot start runs`);
      const { trigger } = live.definition;
      if (trigger.type !== 'api') {
        throw new GodwitError(
          'conflict',
          `journey ${journeyId} starts on its ${trigger.type} trigger, not by API call`,
        );
      }
      const customers = await loadBatchCustomers(store, workspaceId, [request.customerId], {
        waiting: true,
        historyOf: needsHistory(live.definition) ? [journeyId] : [],
        segments: this.definitions.readsSegments(workspaceId),
      });
      const customer = customers.get(request.customerId);
      if (!customer?.profile) throw notFound(`no customer with id ${request.customerId}`);
      const batch = new JourneyBatch(now);
      const stepper = new RunStepper(this.definitions, batch, now);
      const snapshot = { event: null, properties: request.properties, timestamp: now };
      const decision = stepper.start(customer, live.definition, snapshot, () => newId(now));
      if (!decision.enter) return { entered: false, reason: decision.reason };
      await batch.decideMessages(store);
      await this.commit(batch.change());
      return { entered: true, runId: decision.runId as string };
    });
  }

  /** Ends a waiting run as exited; its timer is removed and nothing more is sent. */
  cancel(workspaceId: string, runId: string, reason = 'cancelled') {
    return this.loop.inTurn(async () => {
      const { store, clock } = this.options;
      const [run] = await store.journeys.getRuns([runId]);
      if (!run || run.workspaceId !== workspaceId) throw notFound(`no run with id ${runId}`);
      if (run.state.status === 'finished') {
        throw new GodwitError('conflict', `run ${runId} has already finished (${run.state.outcome})`);
      }
      const now = clock.now();
      const customers = await loadBatchCustomers(store, workspaceId, [run.state.customerId], {
        waiting: false,
        historyOf: [],
      });
      const customer = customers.get(run.state.customerId);
      if (!customer) throw notFound(`no customer with id ${run.state.customerId}`);
      const batch = new JourneyBatch(now);
      const after = await new RunStepper(this.definitions, batch, now).resume(
        customer,
        run,
        { type: 'cancel', reason },
        `${runId}:cancel`,
      );
      if (!after) throw new GodwitError('conflict', `run ${runId} is on a version that no longer exists`);
      await this.commit(batch.change());
      return after;
    });
  }

  private async commit(change: JourneyChange): Promise<void> {
    await this.options.store.journeys.applyJourneyChange(change);
    if (change.outbox.length > 0) this.options.onCommitted?.(change);
  }

  /**
   * The next events after the cursor, stepped and committed with it. A batch that keeps failing while
   * the store answers (a bug meeting one event's data) is taken one event at a time, and an event that
   * fails `maxAttempts` times on its own is passed over with an error in the log: without that it would
   * hold back every later event of every workspace for good. Store outages are waited out uncounted.
   */
  private async eventBatch(): Promise<number> {
    const { store } = this.options;
    const position = await this.acquire();
    if (position === undefined) return 0;
    this.processedSeq = position;
    const profiled = await this.options.profiledUpTo();
    if (profiled <= position) return 0;
    const events = (await store.readEventsAfter(position, this.eventBatchSize)).filter((e) => e.seq <= profiled);
    if (events.length === 0) return 0;
    // The first try steps from the position just acquired; a retry acquires it again (a try may have committed).
    let tries = 0;
    const whole = await this.retrying(() => this.commitEvents(events, tries++ === 0 ? position : this.acquire()));
    if (whole.ok || whole.aborted) return whole.ok ? events.length : 0;
    for (const event of events) {
      const alone = await this.retrying(() => this.commitEvents([event], this.acquire()));
      if (!alone.ok && (alone.aborted || !(await this.passOver(event, alone.error)))) return 0;
    }
    return events.length;
  }

  /** The journeys cursor's position, with its lease taken or renewed; undefined while another process holds it. */
  private acquire(): Promise<number | undefined> {
    const { store, clock, owner } = this.options;
    return store.acquireCursor({ name: JOURNEY_CURSOR, owner, now: clock.now(), leaseMs: this.leaseMs });
  }

  /** Steps the events past the cursor's position and commits them with it; nothing while another process holds it. */
  private async commitEvents(
    events: readonly StoredEvent[],
    cursor: number | Promise<number | undefined>,
  ): Promise<void> {
    const { store, clock, owner } = this.options;
    const position = await cursor;
    const now = clock.now();
    const fresh = position === undefined ? [] : events.filter((e) => e.seq > position);
    const last = fresh.at(-1);
    if (!last) return;
    await this.definitions.refresh(now);
    const batch = await runEventStage({ store, definitions: this.definitions, now, newRunId: () => newId(now) }, fresh);
    await this.commit(batch.change({ name: JOURNEY_CURSOR, position: last.seq, owner }, clock.now()));
    this.processedSeq = last.seq;
  }

  /** False when stopped before the cursor could be moved past it. */
  private async passOver(event: StoredEvent, error: unknown): Promise<boolean> {
    const { clock, owner, logger } = this.options;
    logger?.error(
      { err: error, seq: event.seq, messageId: event.messageId, workspaceId: event.workspaceId },
      `journeys passed over event ${event.seq} after ${this.maxAttempts} failed attempts; no journey reacted to it`,
    );
    const cursor = { name: JOURNEY_CURSOR, position: event.seq, owner };
    const moved = await this.retrying(
      () => this.commit(new JourneyBatch(clock.now()).change(cursor, clock.now())),
      1e9,
    );
    if (moved.ok) this.processedSeq = event.seq;
    return moved.ok;
  }

  private retrying(attempt: () => Promise<void>, maxAttempts = this.maxAttempts, what = 'journey event batch') {
    return withRetries({
      attempt,
      store: this.options.store,
      maxAttempts,
      retryDelayMs: this.retryDelayMs,
      signal: this.stopping.signal,
      onError: (error, counted) => this.options.logger?.warn({ err: error, counted }, `${what} failed; retrying`),
    });
  }

  private async timerBatch(): Promise<number> {
    const { store, clock, owner } = this.options;
    const now = clock.now();
    if ((await this.acquireTimers(now)) === undefined) return 0;
    const timers = await store.journeys.dueTimers(now, this.timerBatchSize);
    if (timers.length === 0) return 0;
    const cursor = { name: TIMER_CURSOR, position: now, owner };
    return this.fireTimers(this.runTimers, timers, {
      fire: async (some) => {
        const batch = await runTimerStage({ store, definitions: this.definitions, now }, some);
        await this.commit(batch.change(cursor, clock.now()));
      },
      postpone: async (timer) => {
        const batch = new JourneyBatch(now);
        batch.postponeTimer(timer.timerId, now + POSTPONE_FAILING_TIMER_MS);
        await this.commit(batch.change(cursor, clock.now()));
      },
      describe: (t) => ({ timerId: t.timerId, runId: t.runId, workspaceId: t.workspaceId }),
    });
  }

  /**
   * Plans trigger timers for journeys that went live or stopped being live, then fires due trigger
   * timers, under the timer lease. Returns how many trigger timers it handled.
   */
  private async triggerBatch(): Promise<number> {
    const { store, clock, owner } = this.options;
    const now = clock.now();
    if ((await this.acquireTimers(now)) === undefined) return 0;
    await this.definitions.refresh(now);
    const cursor = { name: TIMER_CURSOR, position: now, owner };
    const generation = this.definitions.generation;
    if (generation !== this.plannedGeneration) {
      const planned = await planTriggers({ store, definitions: this.definitions, now });
      if (planned) await this.commit(planned.change(cursor, clock.now()));
      this.plannedGeneration = generation;
    }
    const timers = (await store.journeys.dueTriggerTimers(now, this.timerBatchSize)).filter(
      (timer) => (this.heldBack.get(triggerKey(timer)) ?? 0) <= now,
    );
    if (timers.length === 0) return 0;
    const pageSize = this.options.triggerPageSize ?? 500;
    const context = { store, definitions: this.definitions, now, newRunId: () => newId(now), pageSize };
    return this.fireTimers(this.triggerTimers, timers, {
      fire: async (some) => this.commit((await runTriggerStage(context, some)).change(cursor, clock.now())),
      // Held back here, not moved in the store: a trigger timer's due time is its occurrence (a schedule's, a date's).
      postpone: async (timer) => {
        for (const [key, until] of this.heldBack) if (until <= now) this.heldBack.delete(key);
        this.heldBack.set(triggerKey(timer), now + POSTPONE_FAILING_TIMER_MS);
      },
      describe: (t) => ({ journeyId: t.journeyId, customerId: t.customerId, workspaceId: t.workspaceId }),
    });
  }

  /**
   * Fires timers through `passOver`, under the timer lease: a retry takes the lease again (a try may have
   * lost it), and does nothing while another process holds it.
   */
  private fireTimers<T>(passOver: TimerPassOver, timers: readonly T[], how: TimerHandling<T>): Promise<number> {
    const { clock } = this.options;
    let tries = 0;
    const leased = (work: () => Promise<void>) => async () => {
      if (tries++ > 0 && (await this.acquireTimers(clock.now())) === undefined) return;
      await work();
    };
    return passOver.fire(timers, {
      fire: (some) => leased(() => how.fire(some))(),
      postpone: (timer) => leased(() => how.postpone(timer))(),
      describe: how.describe,
    });
  }

  private acquireTimers(now: number): Promise<number | undefined> {
    const { store, owner } = this.options;
    return store.acquireCursor({ name: TIMER_CURSOR, owner, now, leaseMs: this.leaseMs });
  }
}

const triggerKey = (t: TriggerTimerRecord) => `${t.workspaceId}\u0000${t.journeyId}\u0000${t.customerId ?? ''}`;
