import type { Store } from '../../storage/store.ts';
import { nextScheduleOccurrence, triggerPlanOf } from '../trigger-occurrence.ts';
import { JourneyBatch } from './journey-batch.ts';
import type { JourneyDefinitions } from './journey-definitions.ts';

/**
 * Makes the stored journey-level trigger timers agree with the live journeys: a schedule or
 * date-trait journey that is new (or whose trigger changed) gets its first occurrence or a walk
 * over every customer to set their date timers; a journey no longer live loses all its trigger
 * timers. Returns undefined when nothing changes.
 */
export async function planTriggers(context: {
  store: Store;
  definitions: JourneyDefinitions;
  now: number;
}): Promise<JourneyBatch | undefined> {
  const { store, definitions, now } = context;
  const planned = new Map((await store.journeys.triggerPlans()).map((row) => [keyOf(row), row]));
  const batch = new JourneyBatch(now);
  let changed = false;
  const timed = definitions.timedJourneys();
  for (const { workspaceId, journeyId, definition } of timed) {
    const plan = triggerPlanOf(definition);
    if (planned.get(keyOf({ workspaceId, journeyId }))?.plan === plan) continue;
    const journey = { workspaceId, journeyId, customerId: null };
    const { trigger } = definition;
    if (trigger.type === 'schedule') {
      const zones = await store.journeys.customerZones(workspaceId);
      const dueAt = nextScheduleOccurrence({ trigger, zones, journeyZone: definition.timezone, after: now });
      batch.setTriggerTimer({
        ...journey,
        timer: { ...journey, kind: 'schedule', plan, dueAt, since: now, after: '' },
      });
    } else {
      batch.setTriggerTimer({
        ...journey,
        timer: { ...journey, kind: 'backfill', plan, dueAt: now, since: null, after: '' },
      });
    }
    changed = true;
  }
  const live = new Set(timed.map(keyOf));
  for (const row of planned.values()) {
    if (live.has(keyOf(row))) continue;
    batch.dropTriggersOf(row.workspaceId, row.journeyId);
    changed = true;
  }
  return changed ? batch : undefined;
}

const keyOf = (row: { workspaceId: string; journeyId: string }) => `${row.workspaceId}\u0000${row.journeyId}`;
