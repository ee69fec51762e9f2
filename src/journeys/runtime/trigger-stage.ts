import { groupBy } from '../../shared/group-by.ts';
import type { JourneyVersionRecord, TriggerTimerRecord } from '../../storage/journey-store.ts';
import type { Store } from '../../storage/store.ts';
import { readPath } from '../filters.ts';
import { afterPage, decideDateTimer, dueZoneValues, nextScheduleOccurrence, zoneOf } from '../trigger-occurrence.ts';
import { dateTimerFor } from './date-trait-timers.ts';
import { JourneyBatch } from './journey-batch.ts';
import type { JourneyDefinitions } from './journey-definitions.ts';
import { loadBatchCustomers, needsHistory, RunStepper } from './run-stepper.ts';

export interface TriggerStageContext {
  readonly store: Store;
  readonly definitions: JourneyDefinitions;
  readonly now: number;
  readonly newRunId: () => string;
  /** Customers per page of a schedule occurrence or a date-trait walk. */
  readonly pageSize: number;
}

/**
 * Fires due trigger timers: a customer's date timer starts a run (and an anniversary waits for next
 * year); a journey's own timer handles one page of customers, of a schedule occurrence or of the
 * walk that sets every customer's date timer, and records how far it got. Returns the batch; the
 * caller commits it, so a page's runs and its progress are written together.
 */
export async function runTriggerStage(
  context: TriggerStageContext,
  timers: readonly TriggerTimerRecord[],
): Promise<JourneyBatch> {
  const batch = new JourneyBatch(context.now);
  const stepper = new RunStepper(context.definitions, batch, context.now);
  for (const [workspaceId, list] of groupBy(timers, (t) => t.workspaceId)) {
    const dropped = new Set<string>();
    const live = (journeyId: string) => {
      const record = context.definitions.liveJourney(workspaceId, journeyId);
      const type = record?.definition.trigger.type;
      if (type === 'date_trait' || type === 'schedule') return record;
      // Not live (or no longer timed): the plan pass would drop it too; do it now so it stops being due.
      if (!dropped.has(journeyId)) batch.dropTriggersOf(workspaceId, journeyId);
      dropped.add(journeyId);
      return undefined;
    };
    const dated = list.filter((t) => t.customerId !== null && live(t.journeyId));
    await fireDateTimers({ ...context, stepper, workspaceId }, dated);
    for (const timer of list.filter((t) => t.customerId === null)) {
      const record = live(timer.journeyId);
      if (!record) continue;
      if (timer.kind === 'schedule') await scheduleWalk({ ...context, stepper, record }, timer);
      else await backfillWalk({ ...context, batch, record }, timer);
    }
  }
  await batch.decideMessages(context.store);
  return batch;
}

async function fireDateTimers(
  context: TriggerStageContext & { stepper: RunStepper; workspaceId: string },
  timers: readonly TriggerTimerRecord[],
): Promise<void> {
  const { store, definitions, now, stepper, workspaceId } = context;
  if (timers.length === 0) return;
  const customers = await loadBatchCustomers(
    store,
    workspaceId,
    timers.map((t) => t.customerId as string),
    {
      waiting: true,
      historyOf: definitions.needingHistory(workspaceId),
      segments: definitions.readsSegments(workspaceId),
    },
  );
  // A merge may have left two timers of one pair; the first handled replaces both.
  const done = new Set<string>();
  for (const timer of timers) {
    const customerId = timer.customerId as string;
    const key = `${timer.journeyId}\u0000${customerId}`;
    const record = definitions.liveJourney(workspaceId, timer.journeyId) as JourneyVersionRecord;
    const { definition } = record;
    if (done.has(key)) continue;
    done.add(key);
    const customer = customers.get(customerId);
    const { trigger } = definition;
    const pair = { workspaceId, journeyId: timer.journeyId, customerId };
    if (!customer?.profile || trigger.type !== 'date_trait' || timer.dueAt === null) {
      stepper.batch.setTriggerTimer(dateTimerFor(record, customerId, customer?.profile, now));
      continue;
    }
    const value = readPath(customer.profile.traits, trigger.trait);
    const timeZone = zoneOf(customer.profile.timezone, definition.timezone);
    const decision = decideDateTimer({ trigger, value, dueAt: timer.dueAt, now, timeZone });
    if (decision.fire) {
      const properties = { trait: trigger.trait, value, date: decision.date };
      stepper.start(customer, definition, { event: null, properties, timestamp: now }, context.newRunId);
    }
    const next = decision.next;
    stepper.batch.setTriggerTimer({
      ...pair,
      timer: next === undefined ? null : { ...timer, ...pair, dueAt: next, since: null, after: '' },
    });
  }
}

/** One page of a schedule occurrence: starts runs for the due customers, then moves the walk on. */
async function scheduleWalk(
  context: TriggerStageContext & { stepper: RunStepper; record: JourneyVersionRecord },
  timer: TriggerTimerRecord,
): Promise<void> {
  const { store, definitions, stepper, record, pageSize } = context;
  const { workspaceId, journeyId, definition } = record;
  const { trigger } = definition;
  if (trigger.type !== 'schedule' || timer.dueAt === null) return;
  const occurrence = timer.dueAt;
  const since = timer.since ?? occurrence - 1;
  const window = { trigger, journeyZone: definition.timezone, zones: await store.journeys.customerZones(workspaceId) };
  const due = dueZoneValues({ ...window, since, until: occurrence });
  const customerIds = await store.journeys.customersInZones({
    workspaceId,
    timezones: due,
    segmentId: trigger.segment,
    after: timer.after,
    limit: pageSize,
  });
  const customers = await loadBatchCustomers(store, workspaceId, customerIds, {
    waiting: true,
    historyOf: needsHistory(definition) ? [journeyId] : [],
    segments: definitions.readsSegments(workspaceId),
  });
  const properties = { schedule: trigger.at, days: trigger.days, occurrence: new Date(occurrence).toISOString() };
  for (const id of customerIds) {
    const customer = customers.get(id);
    if (!customer?.profile) continue;
    stepper.start(customer, definition, { event: null, properties, timestamp: occurrence }, context.newRunId);
  }
  const position = { dueAt: occurrence, since, after: timer.after };
  const moved = afterPage(position, { customerIds, pageSize }, () =>
    nextScheduleOccurrence({ ...window, after: occurrence }),
  );
  const journey = { workspaceId, journeyId, customerId: null };
  stepper.batch.setTriggerTimer({ ...journey, timer: { ...timer, ...moved } });
}

/** One page of the walk that sets every customer's date timer after a date-trait journey goes live. */
async function backfillWalk(
  context: TriggerStageContext & { batch: JourneyBatch; record: JourneyVersionRecord },
  timer: TriggerTimerRecord,
): Promise<void> {
  const { store, now, batch, record, pageSize } = context;
  const { workspaceId, journeyId } = record;
  if (timer.dueAt === null) return;
  const customerIds = await store.segments.customerIdsAfter(workspaceId, timer.after, pageSize);
  const { profiles } = await store.loadProfiles(workspaceId, customerIds);
  const byId = new Map(profiles.map((p) => [p.id, p]));
  for (const id of customerIds) batch.setTriggerTimer(dateTimerFor(record, id, byId.get(id), now));
  const position = { dueAt: timer.dueAt, since: null, after: timer.after };
  const moved = afterPage(position, { customerIds, pageSize }, () => null);
  const journey = { workspaceId, journeyId, customerId: null };
  batch.setTriggerTimer({ ...journey, timer: { ...timer, ...moved, since: null } });
}
