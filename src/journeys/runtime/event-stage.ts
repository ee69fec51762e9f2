import { groupBy } from '../../shared/group-by.ts';
import type { Store, StoredEvent } from '../../storage/store.ts';
import { matchesEventTrigger } from '../event-match.ts';
import type { EventSnapshot } from '../run-state.ts';
import { resetDateTimers } from './date-trait-timers.ts';
import { JourneyBatch } from './journey-batch.ts';
import type { JourneyDefinitions } from './journey-definitions.ts';
import { loadBatchCustomers, RunStepper } from './run-stepper.ts';

export interface EventStageContext {
  readonly store: Store;
  readonly definitions: JourneyDefinitions;
  readonly now: number;
  readonly newRunId: () => string;
}

/**
 * Feeds a batch of profiled events (customer known) to journeys: first to the customer's waiting
 * runs (goals, exits, awaited events), then to the triggers of live journeys; identifies that set
 * a date trait a journey counts from move that customer's date timer. Returns the batch;
 * the caller commits it with the cursor.
 */
export async function runEventStage(context: EventStageContext, events: readonly StoredEvent[]): Promise<JourneyBatch> {
  const { store, definitions, now } = context;
  const batch = new JourneyBatch(now);
  const stepper = new RunStepper(definitions, batch, now);
  // Journeys react to named events (track); identifies and page views only change profiles.
  const named = events.filter((e) => e.customerId !== null && e.event !== null);
  for (const [workspaceId, list] of groupBy(named, (e) => e.workspaceId)) {
    const customers = await loadBatchCustomers(
      store,
      workspaceId,
      list.map((e) => e.customerId as string),
      {
        waiting: true,
        historyOf: definitions.needingHistory(workspaceId, new Set(list.map((e) => e.event as string))),
        segments: definitions.readsSegments(workspaceId),
      },
    );
    for (const stored of list) {
      const customer = customers.get(stored.customerId as string);
      if (!customer) continue;
      const event = snapshotOf(stored);
      for (const run of [...customer.waiting]) {
        await stepper.resume(
          customer,
          run,
          { type: 'event', event, traits: customer.profile?.traits, segments: customer.segments },
          `${run.state.runId}:${stored.messageId}`,
        );
      }
      for (const { definition } of definitions.triggeredBy(workspaceId, event.event)) {
        if (!matchesEventTrigger(definition.trigger, event)) continue;
        const trigger = { event: event.event, properties: event.properties, timestamp: event.timestamp };
        stepper.start(customer, definition, trigger, context.newRunId);
      }
    }
  }
  await batch.decideMessages(store);
  await resetDateTimers(context, events, batch);
  return batch;
}

function snapshotOf(stored: StoredEvent): EventSnapshot & { event: string } {
  const payload = JSON.parse(stored.payload) as { properties?: Record<string, unknown> };
  return {
    event: stored.event as string,
    properties: payload.properties ?? {},
    timestamp: stored.timestamp,
    messageId: stored.messageId,
  };
}
