import type { Logger } from 'pino';
import type { Bus, Delivery, Outcome, Subscription } from '../bus/bus.ts';
import { partitionOf } from '../bus/bus.ts';
import { runEventStage } from '../journeys/runtime/event-stage.ts';
import { JourneyBatch } from '../journeys/runtime/journey-batch.ts';
import type { JourneyDefinitions } from '../journeys/runtime/journey-definitions.ts';
import { POSTPONE_FAILING_TIMER_MS, TimerPassOver } from '../journeys/runtime/timer-pass-over.ts';
import { runTimerStage } from '../journeys/runtime/timer-stage.ts';
import { BackgroundLoop } from '../shared/background-loop.ts';
import type { Clock } from '../shared/clock.ts';
import { groupBy } from '../shared/group-by.ts';
import { newId } from '../shared/ids.ts';
import type { JourneyChange } from '../storage/journey-store.ts';
import type { Store, StoredEvent } from '../storage/store.ts';
import { withRetries } from '../storage/with-retries.ts';
import { countTry } from './crash-loop-counter.ts';
import { PartitionLeases } from './partition-leases.ts';

/** The bus group of the journey workers, and the prefix of their partition cursors. */
export const JOURNEY_GROUP = 'journeys';

export interface PartitionedJourneysOptions {
  store: Store;
  bus: Bus;
  definitions: JourneyDefinitions;
  clock: Clock;
  owner: string;
  logger?: Logger;
  /** Attempts of an event that keeps failing before it goes to the dead letters. */
  maxAttempts: number;
  /** Partition batches in flight at once. */
  concurrency: number;
  leaseMs?: number;
  retryDelayMs?: number;
  timerBatchSize?: number;
  /** A change with outbox entries committed. */
  onCommitted?: (change: JourneyChange) => void;
  /** Events whose effects committed, and events given up on. */
  onHandled?: (counts: { events: number; dead: number; timers: number }) => void;
}

const decoder = new TextDecoder();
const ack: Outcome = { type: 'ack' };

/**
 * The journey stage of the scale-out runtime. Events come from the bus, partitioned by customer;
 * this worker handles the partitions it owns, one batch at a time per partition, and fires the due
 * run timers of those partitions in the same turn, so a customer's events and timers never race.
 * Each batch commits with its partition's cursor (the last event's log position) in one
 * transaction: redelivered events at or below it are skipped, which makes redelivery after a crash
 * or a failover exactly-once in effect. A failing event is retried in place (so later events of
 * the partition wait, keeping order) and after `maxAttempts` goes to the dead letters; store
 * outages are waited out without counting.
 */
export class PartitionedJourneys {
  private subscription: Subscription | undefined;
  private readonly leases: PartitionLeases;
  private readonly timers: BackgroundLoop;
  /** Per partition, the ownership (epoch) whose first batch has been counted by `countTry`. */
  private readonly counted = new Map<number, number>();
  /** Aborted by `stop`, so a timer retry waiting out a store outage does not hold up shutting down. */
  private stopping = new AbortController();
  private readonly runTimers: TimerPassOver;

  constructor(private readonly options: PartitionedJourneysOptions) {
    const leaseMs = options.leaseMs ?? 5_000;
    this.leases = new PartitionLeases({
      store: options.store,
      group: JOURNEY_GROUP,
      owner: options.owner,
      leaseMs,
      now: () => options.clock.now(),
    });
    this.runTimers = new TimerPassOver({
      retrying: (attempt, maxAttempts) => this.retrying(this.stopping.signal, attempt, maxAttempts),
      maxAttempts: options.maxAttempts,
      logger: options.logger,
    });
    this.timers = new BackgroundLoop({
      name: 'partition timers',
      work: () => this.fireDueTimers(),
      idleMs: 200,
      minShare: 0.2,
      logger: options.logger,
    });
  }

  async start(): Promise<void> {
    const { bus, maxAttempts, concurrency, owner } = this.options;
    this.stopping = new AbortController();
    this.subscription = await bus.consume({
      group: JOURNEY_GROUP,
      handler: (batch, context) => this.leases.inTurn(context.partition, () => this.handle(batch, context)),
      maxAttempts,
      concurrency,
      consumerId: owner.replace(/[^A-Za-z0-9_-]/g, '_'),
      leaseMs: this.options.leaseMs,
    });
    this.timers.start();
  }

  /** Finishes the batches in hand, gives the partitions back on the bus and in the store. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.timers.stop();
    await this.subscription?.close({ timeoutMs: 10_000 });
    await this.leases.releaseAll();
  }

  owned(): number[] {
    return this.subscription?.owned() ?? [];
  }

  private async handle(batch: readonly Delivery[], context: { partition: number; epoch: number; signal: AbortSignal }) {
    const events = batch.map((d) => JSON.parse(decoder.decode(d.payload)) as StoredEvent);
    const outcomes: Outcome[] = batch.map(() => ack);
    const poison = await this.crashLooping(context, events);
    if (poison !== undefined) {
      const skipped = await this.retrying(
        context.signal,
        () => this.skip(context.partition, events[poison] as StoredEvent, context.signal),
        1e9,
      );
      if (!skipped.ok) return batch.map(() => ({ type: 'nak' }) as const);
      outcomes[poison] = {
        type: 'term',
        reason: `its workers stopped ${this.options.maxAttempts} times in a row while handling it`,
      };
      this.options.onHandled?.({ events: 0, dead: 1, timers: 0 });
    }
    const whole = await this.retrying(context.signal, () =>
      this.commitEvents(context.partition, events, context.signal),
    );
    if (whole.ok) return outcomes;
    if (whole.aborted) return batch.map(() => ({ type: 'nak' }) as const);
    // One event fails: find it by taking them one at a time; it alone goes to the dead letters.
    let dead = 0;
    for (const [i, event] of events.entries()) {
      const one = await this.retrying(context.signal, () =>
        this.commitEvents(context.partition, [event], context.signal),
      );
      if (one.ok) continue;
      if (one.aborted) return batch.map(() => ({ type: 'nak' }) as const);
      const skipped = await this.retrying(
        context.signal,
        () => this.skip(context.partition, event, context.signal),
        1e9,
      );
      if (!skipped.ok) return batch.map(() => ({ type: 'nak' }) as const);
      outcomes[i] = { type: 'term', reason: String((one.error as Error)?.message ?? one.error) };
      dead += 1;
    }
    this.options.onHandled?.({ events: 0, dead, timers: 0 });
    return outcomes;
  }

  /**
   * On the first batch of an ownership: the index of the first uncommitted event if it is the one
   * the last `maxAttempts` owners started on and never committed (they crashed on it), else undefined.
   */
  private async crashLooping(
    context: { partition: number; epoch: number; signal: AbortSignal },
    events: readonly StoredEvent[],
  ): Promise<number | undefined> {
    const { partition, epoch, signal } = context;
    if (this.counted.get(partition) === epoch) return undefined;
    let tries = 0;
    let index = -1;
    const counted = await this.retrying(
      signal,
      async () => {
        const position = await this.leases.acquire(partition, signal);
        if (position === undefined) throw new Error('partition lost');
        index = events.findIndex((e) => e.seq > position);
        if (index < 0) return;
        const { store, owner, clock } = this.options;
        const name = `${this.leases.cursorName(partition)}:tries`;
        const seq = (events[index] as StoredEvent).seq;
        tries = await countTry({ store, name, owner, now: clock.now(), leaseMs: this.options.leaseMs ?? 5_000, seq });
      },
      1e9,
    );
    if (!counted.ok) return undefined;
    this.counted.set(partition, epoch);
    return tries > this.options.maxAttempts ? index : undefined;
  }

  private retrying(signal: AbortSignal, attempt: () => Promise<void>, maxAttempts = this.options.maxAttempts) {
    return withRetries({
      attempt,
      store: this.options.store,
      maxAttempts,
      retryDelayMs: this.options.retryDelayMs ?? 1_000,
      signal,
      onError: (error, counted) =>
        this.options.logger?.warn({ err: error, counted }, 'journey partition batch failed; retrying'),
    });
  }

  /** Steps the events after the partition's cursor and commits them with it. */
  private async commitEvents(partition: number, events: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
    const { store, definitions, clock, owner } = this.options;
    const position = await this.leases.acquire(partition, signal);
    if (position === undefined) throw new Error('partition lost');
    const fresh = events.filter((e) => e.seq > position);
    const last = fresh.at(-1);
    if (!last) return;
    const now = clock.now();
    await definitions.refresh(now);
    const batch = await runEventStage({ store, definitions, now, newRunId: () => newId(now) }, fresh);
    const cursor = { name: this.leases.cursorName(partition), position: last.seq, owner };
    await this.commit(partition, batch.change(cursor, clock.now()));
    this.leases.advanced(partition, last.seq);
    this.options.onHandled?.({ events: fresh.length, dead: 0, timers: 0 });
  }

  /** Moves the cursor past an event given up on. */
  private async skip(partition: number, event: StoredEvent, signal: AbortSignal): Promise<void> {
    const position = await this.leases.acquire(partition, signal);
    if (position === undefined) throw new Error('partition lost');
    if (event.seq <= position) return;
    const cursor = { name: this.leases.cursorName(partition), position: event.seq, owner: this.options.owner };
    await this.commit(partition, new JourneyBatch(this.options.clock.now()).change(cursor));
    this.leases.advanced(partition, event.seq);
  }

  private async commit(partition: number, change: JourneyChange): Promise<void> {
    try {
      await this.options.store.journeys.applyJourneyChange(change);
    } catch (error) {
      this.leases.forget(partition);
      throw error;
    }
    if (change.outbox.length > 0) this.options.onCommitted?.(change);
  }

  /**
   * Fires the due run timers of the partitions this worker owns, each partition in its turn and
   * fenced by its cursor lease (the position is written back unchanged).
   */
  private async fireDueTimers(): Promise<number> {
    const { store, bus, definitions, clock, owner } = this.options;
    const owned = new Set(this.owned());
    if (owned.size === 0) return 0;
    const now = clock.now();
    const due = await store.journeys.dueTimers(now, this.options.timerBatchSize ?? 5_000);
    const mine = due.filter((t) => owned.has(partitionOf(t.customerId, bus.partitions)));
    let fired = 0;
    for (const [key, timers] of groupBy(mine, (t) => String(partitionOf(t.customerId, bus.partitions)))) {
      const partition = Number(key);
      // Each try commits only while this worker holds the partition (the position is written back unchanged).
      const commitLeased = async (build: () => Promise<JourneyBatch>) => {
        const position = await this.leases.tryAcquire(partition);
        if (position === undefined) return;
        const batch = await build();
        const cursor = { name: this.leases.cursorName(partition), position, owner };
        await this.commit(partition, batch.change(cursor, clock.now()));
      };
      fired += await this.leases.inTurn(partition, async () => {
        await definitions.refresh(now);
        return this.runTimers.fire(timers, {
          fire: (some) => commitLeased(() => runTimerStage({ store, definitions, now }, some)),
          postpone: (timer) =>
            commitLeased(async () => {
              const batch = new JourneyBatch(now);
              batch.postponeTimer(timer.timerId, now + POSTPONE_FAILING_TIMER_MS);
              return batch;
            }),
          describe: (t) => ({ timerId: t.timerId, runId: t.runId, workspaceId: t.workspaceId, partition }),
        });
      });
    }
    if (fired > 0) this.options.onHandled?.({ events: 0, dead: 0, timers: fired });
    return fired;
  }
}
