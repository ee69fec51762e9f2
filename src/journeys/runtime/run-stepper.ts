import { suppressionCandidates } from '../../delivery/channel-choice.ts';
import { suppressionKey } from '../../delivery/suppression/suppression-address.ts';
import { groupBy } from '../../shared/group-by.ts';
import type { RunRecord, RunSummary } from '../../storage/journey-store.ts';
import type { IdentityRecord, ProfileRecord, Store } from '../../storage/store.ts';
import type { SuppressionRecord } from '../../storage/suppression-store.ts';
import { decideEntry, type EntryDecision } from '../entry-policy.ts';
import type { JourneyDefinition } from '../journey-schema.ts';
import { step } from '../journey-step.ts';
import type { SegmentMemberships, StepInput, TriggerSnapshot } from '../run-state.ts';
import { seededRandom, seedOf } from '../seeded-random.ts';
import type { CustomerContext, JourneyBatch } from './journey-batch.ts';
import type { JourneyDefinitions } from './journey-definitions.ts';

/** A customer as one batch sees them: profile, identities, and their runs as they stand mid-batch. */
export interface BatchCustomer extends CustomerContext {
  readonly id: string;
  readonly workspaceId: string;
  /** Runs parked at a wait, with state. */
  waiting: RunRecord[];
  /** Every run of the journeys whose entry policy looks at history (see `needsHistory`). */
  past: RunSummary[];
  /** Loaded only when some live journey of the workspace reads segments in a condition. */
  readonly segments?: SegmentMemberships;
}

/**
 * Steps runs inside one batch: starts them under the entry policy, resumes them on events,
 * timers or cancellation, and keeps each customer's view current so a later input in the same
 * batch sees what an earlier one did. Draws are seeded by run and input, so a replayed step
 * takes the same branches.
 */
export class RunStepper {
  constructor(
    private readonly definitions: JourneyDefinitions,
    readonly batch: JourneyBatch,
    private readonly now: number,
  ) {}

  /** Starts a run unless the entry policy says no. */
  start(
    customer: BatchCustomer,
    definition: JourneyDefinition,
    trigger: TriggerSnapshot,
    newRunId: () => string,
  ): EntryDecision & { runId?: string } {
    // Every-time entry only asks whether a run is in progress, which the waiting runs answer.
    const runs = needsHistory(definition)
      ? customer.past.filter((run) => run.journeyId === definition.id)
      : customer.waiting.filter((run) => run.state.journeyId === definition.id).map(summaryOf);
    const decision = decideEntry({
      entry: definition.entry,
      runs: runs.map((run) => ({ startedAt: run.startedAt, finished: run.status === 'finished' })),
      now: this.now,
      timeZone: customer.profile?.timezone ?? definition.timezone ?? 'UTC',
    });
    if (!decision.enter) return decision;
    const runId = newRunId();
    const input: StepInput = {
      type: 'start',
      runId,
      customer: {
        id: customer.id,
        traits: customer.profile?.traits ?? {},
        timezone: customer.profile?.timezone ?? null,
        segments: customer.segments,
      },
      trigger,
    };
    const result = step({ definition, state: null, input, now: this.now, random: seededRandom(seedOf(runId)) });
    const after = this.batch.apply({ workspaceId: customer.workspaceId, path: [] }, result, customer);
    this.batch.started(after);
    customer.past.push(summaryOf(after));
    if (after.state.status === 'waiting') customer.waiting.push(after);
    return { enter: true, runId };
  }

  /** Moves a run on and returns it as it is now; undefined when its version cannot be found (it is left as it is). */
  async resume(
    customer: BatchCustomer,
    run: RunRecord,
    input: Exclude<StepInput, { type: 'start' }>,
    seed: string,
  ): Promise<RunRecord | undefined> {
    const { state } = run;
    const definition = await this.definitions.version(run.workspaceId, state.journeyId, state.version);
    if (!definition) return undefined;
    const result = step({ definition, state, input, now: this.now, random: seededRandom(seedOf(seed)) });
    const after = this.batch.apply(run, result, customer);
    customer.waiting = customer.waiting.filter((r) => r.state.runId !== state.runId);
    if (after.state.status === 'waiting') customer.waiting.push(after);
    const index = customer.past.findIndex((r) => r.runId === state.runId);
    if (index >= 0) customer.past[index] = summaryOf(after);
    return after;
  }
}

export function summaryOf(run: RunRecord): RunSummary {
  const { state } = run;
  return {
    runId: state.runId,
    workspaceId: run.workspaceId,
    journeyId: state.journeyId,
    version: state.version,
    customerId: state.customerId,
    status: state.status,
    outcome: state.outcome,
    nodeId: state.waiting?.nodeId ?? null,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
  };
}

/** Whether deciding entry needs the customer's earlier runs, not just the ones in progress. */
export function needsHistory(definition: JourneyDefinition): boolean {
  return definition.entry.policy !== 'every_time';
}

/**
 * Loads what a batch needs about these customers of one workspace, in a few queries: profiles
 * and identities, optionally their waiting runs, and their past runs of `historyOf` journeys.
 */
export async function loadBatchCustomers(
  store: Store,
  workspaceId: string,
  customerIds: readonly string[],
  options: { waiting: boolean; historyOf: readonly string[]; segments?: boolean },
): Promise<Map<string, BatchCustomer>> {
  const ids = [...new Set(customerIds)];
  const [{ profiles, identities }, waiting, past, memberships] = await Promise.all([
    store.loadProfiles(workspaceId, ids),
    options.waiting ? store.journeys.waitingRuns(workspaceId, ids) : [],
    options.historyOf.length > 0 ? store.journeys.runSummaries(workspaceId, ids, options.historyOf) : [],
    options.segments ? store.segments.membershipsOf(workspaceId, ids) : undefined,
  ]);
  const segmentsById = new Map<string, Record<string, number>>();
  if (memberships) for (const id of ids) segmentsById.set(id, {});
  // A merge may leave two rows of one membership; the earliest `since` is when it began.
  for (const m of memberships ?? []) {
    const held = segmentsById.get(m.customerId);
    if (held) held[m.segmentId] = Math.min(held[m.segmentId] ?? m.since, m.since);
  }
  const profileById = new Map<string, ProfileRecord>(profiles.map((p) => [p.id, p]));
  const identitiesById = groupBy(identities, (i) => i.customerId);
  const suppressed = await suppressionsOf(store, workspaceId, profiles, identitiesById);
  const waitingById = groupBy(waiting, (r) => r.state.customerId);
  const pastById = groupBy(past, (r) => r.customerId);
  const out = new Map<string, BatchCustomer>();
  for (const id of ids) {
    out.set(id, {
      id,
      workspaceId,
      profile: profileById.get(id),
      identities: identitiesById.get(id) ?? [],
      waiting: waitingById.get(id) ?? [],
      past: pastById.get(id) ?? [],
      segments: segmentsById.get(id),
      suppressions: suppressed.get(id),
    });
  }
  return out;
}

/** The batch's customers' addresses that are on the suppression list, in one lookup; none for most. */
async function suppressionsOf(
  store: Store,
  workspaceId: string,
  profiles: readonly ProfileRecord[],
  identitiesById: Map<string, IdentityRecord[]>,
): Promise<Map<string, SuppressionRecord[]>> {
  const owners = new Map<string, string[]>();
  const candidates = profiles.flatMap((profile) =>
    suppressionCandidates({ profile, identities: identitiesById.get(profile.id) ?? [] }).map((c) => {
      const key = suppressionKey(c.channel, c.address);
      owners.set(key, [...(owners.get(key) ?? []), profile.id]);
      return c;
    }),
  );
  const out = new Map<string, SuppressionRecord[]>();
  if (candidates.length === 0) return out;
  for (const record of await store.suppressions.find(workspaceId, candidates)) {
    for (const id of owners.get(suppressionKey(record.channel, record.address)) ?? []) {
      out.set(id, [...(out.get(id) ?? []), record]);
    }
  }
  return out;
}
