import { LeasedStage, type StageOptions } from '../../shared/leased-stage.ts';
import type { SegmentChange } from '../../storage/segment-store.ts';
import type { Store } from '../../storage/store.ts';
import type { Evaluated } from './customer-evaluation.ts';
import { SegmentDefinitions } from './segment-definitions.ts';
import { runBackfillStage, runEventStage, runTimerStage } from './segment-stages.ts';

/** How far segments have read the event log; its lease also covers timers and backfills. */
export const SEGMENT_CURSOR = 'segments';

export interface SegmentRuntimeOptions extends StageOptions {
  store: Store;
  /** Called after entries or exits were appended to the event log, so they are profiled (and reach journeys) now. */
  onEmitted?: () => void;
  /** Customers per slice of a re-evaluation of every customer. */
  backfillPageSize?: number;
}

/**
 * Keeps segment memberships current: re-evaluates the customers of each batch of profiled events
 * for the segments those events can affect, fires each pair's timer when membership could change
 * by time alone, and walks every customer after a definition is saved. Each batch commits its
 * memberships, timers, timeline events and the cursor in one transaction.
 */
export class SegmentRuntime extends LeasedStage {
  readonly definitions: SegmentDefinitions;

  constructor(private readonly options: SegmentRuntimeOptions) {
    super('segment runtime', options, [SEGMENT_CURSOR]);
    this.definitions = new SegmentDefinitions(options.store.segments);
  }

  protected async slice(): Promise<number> {
    return (await this.eventBatch()) + (await this.timerBatch()) + (await this.backfillBatch());
  }

  /** A segment was saved or deleted: evaluate against the new list, and start any backfill now. */
  segmentsChanged(): void {
    this.definitions.invalidate();
    this.loop.notify();
  }

  /**
   * A customer's consent changed outside the event log: their segments that read consent on this
   * channel get a timer due now, so the lease holder re-evaluates them at once.
   */
  consentChanged(change: { workspaceId: string; customerId: string; channel: string }): Promise<void> {
    const { workspaceId, customerId, channel } = change;
    return this.loop.inTurn(async () => {
      const now = this.options.clock.now();
      await this.definitions.refresh(now);
      const pairs = this.definitions
        .inWorkspace(workspaceId)
        .filter((s) => s.dependencies.consentChannels.includes(channel))
        .map((s) => ({ workspaceId, segmentId: s.record.id, customerId, timer: now }));
      if (pairs.length === 0) return;
      await this.options.store.segments.applySegmentChange({ pairs, events: [] });
      this.loop.notify();
    });
  }

  /** Processes every profiled event not yet seen; returns how many. For tests and the CLI. */
  processEvents(): Promise<number> {
    return this.loop.drain(() => this.eventBatch());
  }

  /** Fires every segment timer due by the clock's now; returns how many. For tests with a moved clock. */
  fireDueTimers(): Promise<number> {
    return this.loop.drain(() => this.timerBatch());
  }

  /** Finishes every pending re-evaluation of all customers; returns how many customers. For tests. */
  finishBackfills(): Promise<number> {
    return this.loop.drain(() => this.backfillBatch());
  }

  /** Takes or renews the lease; the cursor position, or undefined while another process holds it. */
  private lease(now: number): Promise<number | undefined> {
    const { store, owner } = this.options;
    return store.acquireCursor({ name: SEGMENT_CURSOR, owner, now, leaseMs: this.options.leaseMs ?? 5_000 });
  }

  private async eventBatch(): Promise<number> {
    const { store, clock, owner } = this.options;
    const now = clock.now();
    const position = await this.lease(now);
    if (position === undefined) return 0;
    this.processedSeq = position;
    const profiled = await this.options.profiledUpTo();
    if (profiled <= position) return 0;
    const batch = await store.readEventsAfter(position, this.options.eventBatchSize ?? 1000);
    const events = batch.filter((e) => e.seq <= profiled);
    const last = events.at(-1);
    if (!last) return 0;
    await this.definitions.refresh(now);
    const evaluated = await runEventStage({ store, definitions: this.definitions, now }, events);
    await this.commit(evaluated, { cursor: { name: SEGMENT_CURSOR, position: last.seq, owner } });
    this.processedSeq = last.seq;
    return events.length;
  }

  private async timerBatch(): Promise<number> {
    const { store, clock, owner } = this.options;
    const now = clock.now();
    const position = await this.lease(now);
    if (position === undefined) return 0;
    const timers = await store.segments.dueTimers(now, this.options.timerBatchSize ?? 2000);
    if (timers.length === 0) return 0;
    await this.definitions.refresh(now);
    const evaluated = await runTimerStage({ store, definitions: this.definitions, now }, timers);
    await this.commit(evaluated, { cursor: { name: SEGMENT_CURSOR, position, owner } });
    return timers.length;
  }

  private async backfillBatch(): Promise<number> {
    const { store, clock, owner, logger } = this.options;
    const now = clock.now();
    const position = await this.lease(now);
    if (position === undefined) return 0;
    await this.definitions.refresh(now);
    const segment = this.definitions.nextBackfill();
    if (!segment) return 0;
    const { workspaceId, id, version, backfillAfter } = segment.record;
    const after = backfillAfter ?? '';
    const pageSize = this.options.backfillPageSize ?? 500;
    const customerIds = await store.segments.customerIdsAfter(workspaceId, after, pageSize);
    if (after === '')
      logger?.info({ workspaceId, segment: id, version }, 'segment re-evaluation of every customer started');
    const evaluated = await runBackfillStage({ store, definitions: this.definitions, now }, segment, customerIds);
    const reached = customerIds.length < pageSize ? null : (customerIds.at(-1) ?? null);
    await this.commit(evaluated, {
      cursor: { name: SEGMENT_CURSOR, position, owner },
      backfill: { workspaceId, segmentId: id, version, after: reached },
    });
    this.definitions.backfillMoved(segment, reached);
    const progress = { workspaceId, segment: id, customers: customerIds.length, entered: evaluated.entered };
    if (reached === null) logger?.info(progress, 'segment re-evaluation of every customer finished');
    else logger?.debug({ ...progress, after: reached }, 'segment re-evaluation progressed');
    return Math.max(1, customerIds.length);
  }

  private async commit(evaluated: Evaluated, extra: Pick<SegmentChange, 'cursor' | 'backfill'>): Promise<void> {
    await this.options.store.segments.applySegmentChange({
      pairs: evaluated.pairs,
      events: evaluated.events,
      ...extra,
    });
    if (evaluated.events.length > 0) this.options.onEmitted?.();
  }
}
