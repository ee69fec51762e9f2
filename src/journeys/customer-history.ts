import { notFound } from '../shared/errors.ts';
import type { ProfileRecord, Store, StoredEvent } from '../storage/store.ts';
import type { CustomerSnapshot, Properties } from './run-state.ts';
import type { SimulatedEvent } from './simulate.ts';

/** The simulator's view of one stored customer: their profile and named events, read-only. */

/** The most recent events a simulation reads; older ones rarely start or steer a run. */
export const HISTORY_LIMIT = 10_000;
const PAGE_SIZE = 500;

export interface CustomerHistory {
  readonly profile: ProfileRecord;
  /** Named events (track, and page/screen with a name), oldest first, each with the traits right after it. */
  readonly events: SimulatedEvent[];
  /** True when the customer has more events than HISTORY_LIMIT and the oldest were left out. */
  readonly truncated: boolean;
  /** The customer as of `at`, for the start of a run. */
  snapshotAt(at: number): CustomerSnapshot;
}

export async function loadCustomerHistory(
  store: Store,
  workspaceId: string,
  customerId: string,
): Promise<CustomerHistory> {
  const profile = await store.getProfile(workspaceId, customerId);
  if (!profile) throw notFound(`no customer with id ${customerId}`);
  const { stored, truncated } = await readTimeline(store, workspaceId, customerId);
  const traits = new TraitHistory(profile);
  const events: SimulatedEvent[] = [];
  for (const row of stored) {
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    if (row.type === 'identify') traits.apply(row.timestamp, payload.traits);
    if (row.event === null) continue;
    const properties = isObject(payload.properties) ? payload.properties : {};
    const { timestamp, messageId } = row;
    events.push({ event: row.event, properties, timestamp, messageId, traits: traits.at(timestamp) });
  }
  return {
    profile,
    events,
    truncated,
    snapshotAt: (at) => ({ id: profile.id, traits: traits.at(at), timezone: profile.timezone }),
  };
}

/** The timeline comes newest first in pages; the simulator wants it oldest first. */
async function readTimeline(
  store: Store,
  workspaceId: string,
  customerId: string,
): Promise<{ stored: StoredEvent[]; truncated: boolean }> {
  const stored: StoredEvent[] = [];
  let before: string | undefined;
  for (;;) {
    const limit = Math.min(PAGE_SIZE, HISTORY_LIMIT - stored.length);
    const page = await store.timeline({ workspaceId, customerId, limit, before });
    stored.push(...page.events);
    if (page.next === null) return { stored: stored.reverse(), truncated: false };
    if (stored.length >= HISTORY_LIMIT) return { stored: stored.reverse(), truncated: true };
    before = page.next;
  }
}

/**
 * Traits at a past moment. A profile trait last set at or before that moment holds its current
 * value (whatever set it); one set later holds the last value an identify call gave it by then.
 */
class TraitHistory {
  private readonly values = new Map<string, { at: number; value: unknown }[]>();

  constructor(private readonly profile: ProfileRecord) {}

  /** Called in time order. */
  apply(timestamp: number, traits: unknown): void {
    if (!isObject(traits)) return;
    for (const [name, value] of Object.entries(traits)) {
      const list = this.values.get(name) ?? [];
      list.push({ at: timestamp, value });
      this.values.set(name, list);
    }
  }

  at(moment: number): Properties {
    const traits: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(this.profile.traits)) {
      const setAt = this.profile.traitTimes[name];
      if (setAt === undefined || setAt <= moment) traits[name] = value;
      else {
        const earlier = this.values.get(name)?.findLast((entry) => entry.at <= moment);
        if (earlier) traits[name] = earlier.value;
      }
    }
    return traits;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
