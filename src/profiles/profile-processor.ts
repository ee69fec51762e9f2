import type { Logger } from 'pino';
import { BackgroundLoop } from '../shared/background-loop.ts';
import type { Clock } from '../shared/clock.ts';
import { groupBy } from '../shared/group-by.ts';
import { newId } from '../shared/ids.ts';
import { isObject } from '../shared/json.ts';
import type { ResolutionChange, Store, StoredEvent } from '../storage/store.ts';
import { identifiersOf } from './identifiers.ts';
import { type ResolvableEvent, resolveIdentities } from './identity-resolution.ts';
import { isPlaceholder } from './placeholder-ids.ts';

export const PROFILE_CURSOR = 'profiles';

export interface ProfileProcessorOptions {
  store: Store;
  clock: Clock;
  /** Names this process in the cursor lease. */
  owner: string;
  logger?: Logger;
  batchSize?: number;
  pollMs?: number;
  leaseMs?: number;
  defaultCountry?: string;
  /**
   * The share of the event loop background batches keep when requests saturate the process
   * (default 0.1): acknowledging events comes first, and the lag this builds is caught up as soon
   * as the load eases. Below saturation, folding uses whatever the requests leave.
   */
  minShare?: number;
  /** Called after each batch commits, so later stages (journeys) look at the newly profiled events. */
  onBatch?: () => void;
  /** 0 to 1: how saturated the foreground's own writes are; folding gives way to them as to a busy event loop. */
  writeSaturation?: () => number;
}

/**
 * Reads the event log in order and folds it into profiles, one batch per transaction.
 * Runs wherever it holds the cursor lease, so the server and a CLI import never both advance it.
 */
export class ProfileProcessor {
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly loop: BackgroundLoop;
  private processedSeq = 0;

  constructor(private readonly options: ProfileProcessorOptions) {
    this.batchSize = options.batchSize ?? 2000;
    // Renewed on every poll, so it only lapses when the holder is gone: a crashed server's lease passes on within 5 s.
    this.leaseMs = options.leaseMs ?? 5_000;
    this.loop = new BackgroundLoop({
      name: 'profile processing',
      work: () => this.processBatch(),
      idleMs: options.pollMs ?? 500,
      minShare: options.minShare ?? 0.1,
      writeSaturation: options.writeSaturation,
      logger: options.logger,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Called after new events are committed, so they are processed now rather than at the next poll. */
  notify(): void {
    this.loop.notify();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.options.store.releaseCursor(PROFILE_CURSOR, this.options.owner);
  }

  get position(): number {
    return this.processedSeq;
  }

  /**
   * Processes batches until the log is drained or the lease is held elsewhere; returns events done.
   * Calls queue behind the background loop's batches, so the two never overlap.
   */
  processAvailable(): Promise<number> {
    return this.loop.drain(() => this.processBatch());
  }

  /** Folds the next batch of the log; 0 when the log is drained or the lease is held elsewhere. */
  private async processBatch(): Promise<number> {
    const { store, clock, owner } = this.options;
    const position = await store.acquireCursor({
      name: PROFILE_CURSOR,
      owner,
      now: clock.now(),
      leaseMs: this.leaseMs,
    });
    if (position === undefined) return 0;
    this.processedSeq = position;
    const events = await store.readEventsAfter(position, this.batchSize);
    if (events.length === 0) return 0;
    const last = (events[events.length - 1] as StoredEvent).seq;
    await store.applyResolution(await this.changeFor(events, last));
    this.processedSeq = last;
    this.options.onBatch?.();
    return events.length;
  }

  private async changeFor(events: StoredEvent[], last: number): Promise<ResolutionChange> {
    const { store, clock, defaultCountry } = this.options;
    const change: ResolutionChange = {
      upsertProfiles: [],
      merges: [],
      upsertIdentities: [],
      assignEvents: [],
      audit: [],
      cursor: { name: PROFILE_CURSOR, position: last, owner: this.options.owner },
    };
    const now = clock.now();
    for (const [workspaceId, list] of groupBy(events, (e) => e.workspaceId)) {
      const resolvable = list.map(toResolvable);
      const values = resolvable.flatMap((e) => [
        ...identifiersOf({ ...e, traits: e.type === 'identify' ? e.traits : undefined }, defaultCountry).map(
          (k) => k.value,
        ),
        ...(isPlaceholder(e.previousId) ? [] : [String(e.previousId)]),
      ]);
      const owners = (await store.findIdentities(workspaceId, values)).map((i) => i.customerId);
      const { profiles, identities } = await store.loadProfiles(workspaceId, owners);
      const out = resolveIdentities(
        { workspaceId, events: resolvable, profiles, identities },
        { now, newId: () => newId(now), defaultCountry },
      );
      change.upsertProfiles.push(...out.upsertProfiles);
      change.merges.push(...out.merges);
      change.upsertIdentities.push(...out.upsertIdentities);
      change.assignEvents.push(...out.assignEvents);
      change.audit.push(...out.audit);
    }
    return change;
  }
}

function toResolvable(event: StoredEvent): ResolvableEvent {
  const payload = JSON.parse(event.payload) as Record<string, unknown>;
  return {
    seq: event.seq,
    type: event.type,
    timestamp: event.timestamp,
    userId: event.userId,
    anonymousId: event.anonymousId,
    previousId: typeof payload.previousId === 'string' ? payload.previousId : null,
    traits: isObject(payload.traits) ? payload.traits : undefined,
    context: isObject(payload.context) ? payload.context : undefined,
  };
}
