import type { Logger } from 'pino';
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
}

/**
 * Reads the event log in order and folds it into profiles, one batch per transaction.
 * Runs wherever it holds the cursor lease, so the server and a CLI import never both advance it.
 */
export class ProfileProcessor {
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private processedSeq = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ProfileProcessorOptions) {
    this.batchSize = options.batchSize ?? 2000;
    this.pollMs = options.pollMs ?? 500;
    // Renewed on every poll, so it only lapses when the holder is gone: a crashed server's lease passes on within 5 s.
    this.leaseMs = options.leaseMs ?? 5_000;
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
    const run = this.tail.then(() => this.drain());
    this.tail = run.catch(() => 0);
    return run;
  }

  private async drain(): Promise<number> {
    let done = 0;
    for (;;) {
      const { store, clock, owner } = this.options;
      const position = await store.acquireCursor({
        name: PROFILE_CURSOR,
        owner,
        now: clock.now(),
        leaseMs: this.leaseMs,
      });
      if (position === undefined) return done;
      this.processedSeq = position;
      const events = await store.readEventsAfter(position, this.batchSize);
      if (events.length === 0) return done;
      const last = (events[events.length - 1] as StoredEvent).seq;
      await store.applyResolution(await this.changeFor(events, last));
      this.processedSeq = last;
      done += events.length;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.processAvailable();
      } catch (error) {
        this.options.logger?.error({ err: error }, 'profile processing failed; retrying');
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
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
