import { groupBy } from '../../shared/group-by.ts';
import { isObject, parseJsonObject } from '../../shared/json.ts';
import type { JourneyVersionRecord, TriggerTimerUpdate } from '../../storage/journey-store.ts';
import type { ProfileRecord, Store, StoredEvent } from '../../storage/store.ts';
import { readPath } from '../filters.ts';
import { triggerPlanOf, zoneOf } from '../trigger-occurrence.ts';
import { dateTraitStart } from '../trigger-timing.ts';
import type { JourneyBatch } from './journey-batch.ts';
import type { JourneyDefinitions } from './journey-definitions.ts';

/**
 * The date timer a customer should have for a live date-trait journey as of `now`: the next start
 * in their zone, or none (no such trait, not a date, or the moment has passed).
 */
export function dateTimerFor(
  record: JourneyVersionRecord,
  customerId: string,
  profile: ProfileRecord | undefined,
  now: number,
): TriggerTimerUpdate {
  const { workspaceId, journeyId, definition } = record;
  const pair = { workspaceId, journeyId, customerId };
  const { trigger } = definition;
  if (trigger.type !== 'date_trait' || !profile) return { ...pair, timer: null };
  const value = readPath(profile.traits, trigger.trait);
  const timeZone = zoneOf(profile.timezone, definition.timezone);
  const dueAt =
    value === undefined || value === null ? undefined : dateTraitStart({ trigger, value, after: now, timeZone });
  if (dueAt === undefined) return { ...pair, timer: null };
  const plan = triggerPlanOf(definition);
  return { ...pair, timer: { ...pair, kind: 'date', plan, dueAt, since: null, after: '' } };
}

/**
 * Identify events that set a date trait a live journey counts from (or the customer's zone) set
 * that customer's timer again, from their profile as it stands now (the events are profiled).
 */
export async function resetDateTimers(
  context: { store: Store; definitions: JourneyDefinitions; now: number },
  events: readonly StoredEvent[],
  batch: JourneyBatch,
): Promise<void> {
  const identifies = events.filter((e) => e.customerId !== null && e.type === 'identify');
  for (const [workspaceId, list] of groupBy(identifies, (e) => e.workspaceId)) {
    const journeys = context.definitions.dateTraitJourneys(workspaceId);
    if (journeys.length === 0) continue;
    const pairs = new Map<string, { record: JourneyVersionRecord; customerId: string }>();
    for (const event of list) {
      const customerId = event.customerId as string;
      for (const record of journeys.filter((r) => setsDateOf(event, r))) {
        pairs.set(`${record.journeyId}\u0000${customerId}`, { record, customerId });
      }
    }
    if (pairs.size === 0) continue;
    const ids = [...new Set([...pairs.values()].map((p) => p.customerId))];
    const { profiles } = await context.store.loadProfiles(workspaceId, ids);
    const byId = new Map(profiles.map((p) => [p.id, p]));
    for (const { record, customerId } of pairs.values()) {
      batch.setTriggerTimer(dateTimerFor(record, customerId, byId.get(customerId), context.now));
    }
  }
}

function setsDateOf(event: StoredEvent, record: JourneyVersionRecord): boolean {
  const { trigger } = record.definition;
  if (trigger.type !== 'date_trait') return false;
  const payload = parseJsonObject(event.payload);
  const traits = isObject(payload.traits) ? payload.traits : {};
  const context = isObject(payload.context) ? payload.context : {};
  // A path like contract.renewal_date is set by an identify that sets contract.
  const root = trigger.trait.split('.')[0] as string;
  return Object.hasOwn(traits, root) || Object.hasOwn(traits, 'timezone') || Object.hasOwn(context, 'timezone');
}
