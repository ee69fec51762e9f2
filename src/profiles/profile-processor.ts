import type { Logger } from 'pino';
import { BackgroundPacer } from '../shared/background-pacer.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import { isObject } from '../shared/json.ts';
import type { ResolutionChange, Store, StoredEvent } from '../storage/store.ts';
import { identifiersOf, isPlaceholder } from './identifiers.ts';
import { type ResolvableEvent, resolveIdentities } from './identity-resolution.ts';

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

/** The longest pause between background batches under load, so profiles never stall for long. */
const MAX_PAUSE_MS = 1000;

/**
 * Reads the event log in order and folds it into profiles, one batch per transaction.
 * Runs wherever it holds the cursor lease, so the server and a CLI import never both advance it.
 */
export class ProfileProcessor {
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly pacer: BackgroundPacer;
  private running = false;
  private wake: (() => void) | undefined;
  private interrupt: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private processedSeq = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ProfileProcessorOptions) {
    this.batchSize = options.batchSize ?? 2000;
    this.pollMs = options.pollMs ?? 500;
    // Renewed on every poll, so it only lapses when the holder is gone: a crashed server's lease passes on within 5 s.
    this.leaseMs = options.leaseMs ?? 5_000;
    this.pacer = new BackgroundPacer(Math.min(1, Math.max(0.01, options.minShare ?? 0.1)));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after new events are committed, so they are processed now rather than at the next poll. */
  notify(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    this.interrupt?.();
    await this.loop;
    await this.options.store.releaseCursor(PROFILE_CURSOR, this.options.owner);
  }

  get position(): number {
    return this.processedSeq;
  }

  /**
   * Processes batches until the log is drained or the lease is held elsewhere; returns events done.
   * Calls queue behind each other, so the background loop and an explicit call never overlap.
   */
  processAvailable(): Promise<number> {
    return this.inTurn(async () => {
      let done = 0;
      for (let n = await this.processBatch(); n > 0; n = await this.processBatch()) done += n;
      return done;
    });
  }

  private inTurn(work: () => Promise<number>): Promise<number> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => 0);
    return run;
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

  /** One batch per turn, so explicit processAvailable() calls and HTTP requests get in between. */
  private async run(): Promise<void> {
    while (this.running) {
      const started = performance.now();
      let done = 0;
      try {
        done = await this.inTurn(() => this.processBatch());
      } catch (error) {
        this.options.logger?.error({ err: error }, 'profile processing failed; retrying');
      }
      if (!this.running) break;
      if (done > 0) await this.pauseAfter(performance.now() - started);
      else await this.waitForWork();
    }
  }

  /** Between batches: lets requests in, and holds back while they need the event loop (BackgroundPacer). */
  private async pauseAfter(elapsedMs: number): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const pauseMs = Math.min(this.pacer.pauseAfter(elapsedMs, this.options.writeSaturation?.()), MAX_PAUSE_MS);
    if (!this.running || pauseMs === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pauseMs);
      this.interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.interrupt = undefined;
  }

  private async waitForWork(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.pollMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
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
    for (const [workspaceId, list] of groupByWorkspace(events)) {
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

function groupByWorkspace(events: StoredEvent[]): Map<string, StoredEvent[]> {
  const groups = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const list = groups.get(event.workspaceId);
    if (list) list.push(event);
    else groups.set(event.workspaceId, [event]);
  }
  return groups;
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
