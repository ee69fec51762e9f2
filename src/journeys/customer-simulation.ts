import { z } from 'zod';
import { simulatedDecisions } from '../decisioning/runtime/simulated-decisions.ts';
import type { CustomerService } from '../profiles/customer-service.ts';
import { invalidInput } from '../shared/errors.ts';
import { isTime, parseTime } from '../shared/iso-time.ts';
import type { Store } from '../storage/store.ts';
import { type CustomerHistory, HISTORY_LIMIT, loadCustomerHistory } from './customer-history.ts';
import { matchesEventTrigger } from './event-match.ts';
import { durationSchema, propertiesSchema } from './field-schema.ts';
import { referencesOf } from './journey-references.ts';
import { eventsListenedTo } from './journey-requirements.ts';
import type { JourneyDefinition } from './journey-schema.ts';
import type { TriggerSnapshot } from './run-state.ts';
import { seededRandom } from './seeded-random.ts';
import { simulate } from './simulate.ts';
import { type SimulationView, simulationView } from './simulation-view.ts';

/** "What would this journey do for this stored customer?" — reads the store, writes and sends nothing. */

const isoTime = z.string().refine(isTime, { error: 'must be an ISO time' });

/** The knobs the API and the CLI share. */
export const simulationParamsSchema = z.strictObject({
  /** The virtual clock's start; default the server's clock. */
  now: isoTime.optional(),
  /** `now`: start now with the latest matching event; `trigger`: replay from that event's own time. */
  from: z.enum(['now', 'trigger']).default('now'),
  horizon: durationSchema.default('90d'),
  seed: z.number().int().optional(),
  /** Starts the run now with this event when the customer has none that matches. */
  trigger: z.strictObject({ event: z.string().min(1).optional(), properties: propertiesSchema.default({}) }).optional(),
});

export type SimulationParams = z.output<typeof simulationParamsSchema>;

export interface CustomerSimulation {
  readonly store: Store;
  readonly customers: CustomerService;
  readonly workspaceId: string;
  /** A Godwit id or any identifier. */
  readonly customer: string;
  readonly by?: string;
  readonly definition: JourneyDefinition;
  readonly params: SimulationParams;
  /** The server's clock, used when `params.now` is absent. */
  readonly clockNow: number;
}

export async function simulateForCustomer(options: CustomerSimulation): Promise<SimulationView> {
  const { definition, params } = options;
  const customerId = await options.customers.resolveId(options.workspaceId, options.customer, options.by);
  const history = await loadCustomerHistory(options.store, options.workspaceId, customerId);
  const requested = params.now === undefined ? options.clockNow : parseTime(params.now);
  const trigger = params.trigger ? suppliedTrigger(definition, params.trigger, requested) : undefined;
  const notes: string[] = [];
  if (history.truncated) notes.push(`only the latest ${HISTORY_LIMIT} events of the customer were read`);
  // Replaying from the trigger moves the virtual clock back to the latest matching event, if any.
  const replayAt = trigger || params.from === 'now' ? requested : latestTriggerAt(definition, history, requested);
  const now = replayAt ?? requested;
  const result = simulate({
    definition,
    customer: history.snapshotAt(now),
    events: replayAt === undefined ? [] : history.events,
    now,
    horizon: params.horizon,
    trigger,
    random: params.seed === undefined ? undefined : seededRandom(params.seed),
    decide: await simulatedDecisions({
      store: options.store,
      workspaceId: options.workspaceId,
      profile: history.profile,
      templates: referencesOf(definition).flatMap((ref) => (ref.kind === 'template' ? [ref.id] : [])),
      now,
    }),
  });
  notes.push(...explain({ definition, history, result, now, supplied: trigger !== undefined }));
  return simulationView({ definition, customer: history.profile, result, eventsRead: history.events.length, notes });
}

/** A trigger from the request must be one the journey would start on. */
function suppliedTrigger(
  definition: JourneyDefinition,
  supplied: NonNullable<SimulationParams['trigger']>,
  now: number,
): TriggerSnapshot {
  const start = definition.trigger;
  const event = supplied.event ?? (start.type === 'event' ? start.event : null);
  const snapshot = { event, properties: supplied.properties, timestamp: now };
  if (start.type === 'event' && !(event !== null && matchesEventTrigger(start, { ...snapshot, event }))) {
    throw invalidInput(`trigger does not start this journey: it starts on ${describeTrigger(definition)}`);
  }
  return snapshot;
}

function latestTriggerAt(definition: JourneyDefinition, history: CustomerHistory, now: number): number | undefined {
  if (definition.trigger.type !== 'event') return now;
  const matching = history.events.filter((e) => e.timestamp <= now && matchesEventTrigger(definition.trigger, e));
  return matching.at(-1)?.timestamp;
}

export function describeTrigger(definition: JourneyDefinition): string {
  const start = definition.trigger;
  if (start.type === 'event') {
    const where = start.where.map(
      (f) => `${f.property} ${f.op}${f.value === undefined ? '' : ` ${JSON.stringify(f.value)}`}`,
    );
    return `a ${start.event} event${where.length > 0 ? ` where ${where.join(' and ')}` : ''}`;
  }
  if (start.type === 'segment') return `${start.on === 'left' ? 'leaving' : 'entering'} the segment ${start.segment}`;
  if (start.type === 'date_trait') return `the date trait ${start.trait} (${start.when}, ${start.days} days)`;
  if (start.type === 'schedule') return `a schedule at ${start.at}${start.days.length ? ` on ${start.days}` : ''}`;
  return 'an API call';
}

interface Explained {
  readonly definition: JourneyDefinition;
  readonly history: CustomerHistory;
  readonly result: ReturnType<typeof simulate>;
  readonly now: number;
  readonly supplied: boolean;
}

/** Says in words why a run did not start, and what the simulation assumed or left out. */
function explain({ definition, history, result, now, supplied }: Explained): string[] {
  const trigger = describeTrigger(definition);
  if (result.status === 'not_triggered') {
    return [`nothing would start: the customer has no ${trigger.replace(/^an? /, '')}; pass trigger to supply one`];
  }
  if (supplied) return [`started by the supplied trigger at ${new Date(now).toISOString()}`];
  if (definition.trigger.type !== 'event') return [`the journey starts on ${trigger}; simulated as if it fired now`];
  const started = result.trigger?.timestamp ?? now;
  const listened = new Set(eventsListenedTo(definition));
  const missed = history.events.filter((e) => e.timestamp > started && e.timestamp < now && listened.has(e.event));
  if (missed.length === 0) return [];
  const names = [...new Set(missed.map((e) => e.event))].join(', ');
  return [
    `${missed.length} event(s) between the trigger and now (${names}) are not replayed; ` +
      'use from "trigger" to replay from the triggering event',
  ];
}
