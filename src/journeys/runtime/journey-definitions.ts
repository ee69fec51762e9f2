import { MEMBERSHIP_EVENTS } from '../../segments/membership-change.ts';
import type { JourneyStore, JourneyVersionRecord } from '../../storage/journey-store.ts';
import type { JourneyDefinition } from '../journey-schema.ts';

/** How long a process trusts its list of live journeys when no change was announced (another process may have made it). */
const LIVE_TTL_MS = 5_000;

/**
 * The runtime's view of journey definitions: the live ones, indexed by the event that starts them,
 * and every version a run may be on. Versions never change once runs exist, so they are cached
 * for good; the live list is reloaded on `invalidate()` and every few seconds.
 */
export class JourneyDefinitions {
  private live: JourneyVersionRecord[] = [];
  private byEvent = new Map<string, JourneyVersionRecord[]>();
  private readingSegments = new Set<string>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private readonly versions = new Map<string, JourneyDefinition>();
  /** Bumped on every reload of the live list, so the runtime knows when to check trigger plans. */
  generation = 0;

  constructor(private readonly store: JourneyStore) {}

  invalidate(): void {
    this.loadedAt = Number.NEGATIVE_INFINITY;
    this.versions.clear();
  }

  async refresh(now: number): Promise<void> {
    if (now - this.loadedAt < LIVE_TTL_MS && now >= this.loadedAt) return;
    this.live = await this.store.liveVersions();
    this.byEvent = new Map();
    this.readingSegments = new Set(this.live.filter((r) => readsSegments(r.definition)).map((r) => r.workspaceId));
    this.generation += 1;
    for (const record of this.live) {
      this.versions.set(versionKey(record.workspaceId, record.journeyId, record.version), record.definition);
      const event = triggerEventOf(record.definition.trigger);
      if (event === undefined) continue;
      const key = eventKey(record.workspaceId, event);
      this.byEvent.set(key, [...(this.byEvent.get(key) ?? []), record]);
    }
    this.loadedAt = now;
  }

  /** Live journeys of the workspace whose trigger is this event (filters not yet applied). */
  triggeredBy(workspaceId: string, event: string): readonly JourneyVersionRecord[] {
    return this.byEvent.get(eventKey(workspaceId, event)) ?? [];
  }

  /**
   * Live journeys of the workspace whose entry policy needs a customer's earlier runs; given the
   * names of a batch's events, only those the events can start (the others' history is not read).
   */
  needingHistory(workspaceId: string, events?: ReadonlySet<string>): string[] {
    const candidates = events
      ? [...events].flatMap((event) => this.triggeredBy(workspaceId, event))
      : this.live.filter((r) => r.workspaceId === workspaceId);
    return [...new Set(candidates.filter((r) => r.definition.entry.policy !== 'every_time').map((r) => r.journeyId))];
  }

  /**
   * Whether some live journey of the workspace reads `segments.*` in a condition, so batches load
   * memberships. (A run on an older version that reads them sees the copy its run last got.)
   */
  readsSegments(workspaceId: string): boolean {
    return this.readingSegments.has(workspaceId);
  }

  /** Live journeys of the workspace started by a date trait. */
  dateTraitJourneys(workspaceId: string): JourneyVersionRecord[] {
    return this.live.filter((r) => r.workspaceId === workspaceId && r.definition.trigger.type === 'date_trait');
  }

  /** Live journeys started by a schedule or a date trait, in every workspace: what trigger timers are planned for. */
  timedJourneys(): JourneyVersionRecord[] {
    return this.live.filter(
      (r) => r.definition.trigger.type === 'date_trait' || r.definition.trigger.type === 'schedule',
    );
  }

  liveJourney(workspaceId: string, journeyId: string): JourneyVersionRecord | undefined {
    return this.live.find((r) => r.workspaceId === workspaceId && r.journeyId === journeyId);
  }

  /** The definition a run is on; undefined if that version is gone (the run then errors). */
  async version(workspaceId: string, journeyId: string, version: number): Promise<JourneyDefinition | undefined> {
    const key = versionKey(workspaceId, journeyId, version);
    const cached = this.versions.get(key);
    if (cached) return cached;
    const record = await this.store.getVersion(workspaceId, journeyId, version);
    if (record) this.versions.set(key, record.definition);
    return record?.definition;
  }
}

/** A segment trigger starts on the timeline event the segment runtime records for an entry or exit. */
function triggerEventOf(trigger: JourneyDefinition['trigger']): string | undefined {
  if (trigger.type === 'event') return trigger.event;
  if (trigger.type === 'segment') return MEMBERSHIP_EVENTS[trigger.on];
  return undefined;
}

function readsSegments(definition: JourneyDefinition): boolean {
  return Object.values(definition.nodes).some(
    (node) => node.type === 'condition' && node.rules.some((rule) => rule.property.startsWith('segments.')),
  );
}

const versionKey = (workspaceId: string, journeyId: string, version: number) =>
  `${workspaceId}\u0000${journeyId}\u0000${version}`;
const eventKey = (workspaceId: string, event: string) => `${workspaceId}\u0000${event}`;
