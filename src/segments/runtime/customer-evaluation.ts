import { groupBy } from '../../shared/group-by.ts';
import type { CustomerEvent, MembershipRecord, PairUpdate, SegmentTimerRecord } from '../../storage/segment-store.ts';
import type { IdentityRecord, NewEvent, Store } from '../../storage/store.ts';
import { membershipChange } from '../membership-change.ts';
import { evaluateSegment } from '../segment-evaluation.ts';
import { membershipTimelineEvent } from './membership-timeline.ts';
import type { LoadedSegment } from './segment-definitions.ts';

/** What evaluating some customers changed: pair updates and timeline events, ready for one SegmentChange. */
export interface Evaluated {
  pairs: PairUpdate[];
  events: NewEvent[];
  entered: number;
  left: number;
}

export interface EvaluationRequest {
  store: Store;
  workspaceId: string;
  customerIds: readonly string[];
  now: number;
  /** Which segments to evaluate for a customer. */
  segmentsFor: (customerId: string) => Iterable<LoadedSegment>;
}

interface StoredPair {
  memberships: MembershipRecord[];
  timers: SegmentTimerRecord[];
}

/**
 * Loads what the segments read about these customers (profile, consent, events within the
 * lookback) in a few batched queries, evaluates each requested segment and compares the result
 * with the stored membership and timer. Only differences become updates.
 */
export async function evaluateCustomers(request: EvaluationRequest): Promise<Evaluated> {
  const { store, workspaceId, now } = request;
  const out: Evaluated = { pairs: [], events: [], entered: 0, left: 0 };
  if (request.customerIds.length === 0) return out;
  const { profiles, identities } = await store.loadProfiles(workspaceId, request.customerIds);
  const profileOf = new Map(profiles.map((p) => [p.id, p]));
  const identitiesOf = groupBy(identities, (i) => i.customerId);
  const wanted = new Map<string, LoadedSegment[]>();
  for (const customerId of new Set(request.customerIds)) {
    const segments = [...new Set(request.segmentsFor(customerId))];
    if (segments.length > 0) wanted.set(customerId, segments);
  }
  if (wanted.size === 0) return out;
  const stored = await storedPairs(store, workspaceId, [...wanted.keys()]);
  const eventsOf = await loadEvents(store, { workspaceId, wanted, now });
  for (const [customerId, segments] of wanted) {
    const profile = profileOf.get(customerId);
    for (const segment of segments) {
      const pair = stored.get(`${segment.record.id}\u0000${customerId}`) ?? { memberships: [], timers: [] };
      const context = { workspaceId, customerId, segment, pair, now };
      if (!profile) {
        forget(out, context);
        continue;
      }
      const input = { traits: profile.traits, consent: profile.consent, events: eventsOf.get(customerId) ?? [], now };
      compare(
        out,
        { ...context, identities: identitiesOf.get(customerId) ?? [] },
        evaluateSegment(segment.record.definition, input),
      );
    }
  }
  return out;
}

interface PairContext {
  workspaceId: string;
  customerId: string;
  segment: LoadedSegment;
  pair: StoredPair;
  now: number;
}

function compare(
  out: Evaluated,
  context: PairContext & { identities: readonly IdentityRecord[] },
  evaluation: { member: boolean; changesAt: number | null },
): void {
  const { workspaceId, customerId, segment, pair, now } = context;
  const update: PairUpdate = { workspaceId, segmentId: segment.record.id, customerId };
  const change = membershipChange(pair.memberships.length > 0, evaluation);
  if (change === 'entered') Object.assign(update, { member: true, since: now });
  else if (change === 'left') update.member = false;
  else if (pair.memberships.length > 1) {
    // Two rows for one pair come from a merge: keep one, with the earlier entry.
    Object.assign(update, { member: true, since: Math.min(...pair.memberships.map((m) => m.since)) });
  }
  // The core promises an instant after now; never a timer that would fire again at once.
  const dueAt = evaluation.changesAt === null ? null : Math.max(evaluation.changesAt, now + 1);
  const [only, ...more] = pair.timers;
  const unchanged = dueAt === null ? pair.timers.length === 0 : only?.dueAt === dueAt && more.length === 0;
  if (!unchanged) update.timer = dueAt;
  if (update.member !== undefined || update.timer !== undefined) out.pairs.push(update);
  if (change === 'none') return;
  if (change === 'entered') out.entered += 1;
  else out.left += 1;
  const event = membershipTimelineEvent({
    workspaceId,
    customerId,
    identities: context.identities,
    segment: segment.record.definition,
    change,
    at: now,
  });
  if (event) out.events.push(event);
}

/** A customer that no longer exists (erased, or merged away meanwhile) keeps no rows and gets no timeline entry. */
function forget(out: Evaluated, { workspaceId, customerId, segment, pair }: PairContext): void {
  const update: PairUpdate = { workspaceId, segmentId: segment.record.id, customerId };
  if (pair.memberships.length > 0) update.member = false;
  if (pair.timers.length > 0) update.timer = null;
  if (update.member !== undefined || update.timer !== undefined) out.pairs.push(update);
}

async function storedPairs(store: Store, workspaceId: string, customerIds: string[]): Promise<Map<string, StoredPair>> {
  const { memberships, timers } = await store.segments.stateOf(workspaceId, customerIds);
  const pairs = new Map<string, StoredPair>();
  const pairOf = (segmentId: string, customerId: string) => {
    const key = `${segmentId}\u0000${customerId}`;
    const found = pairs.get(key);
    if (found) return found;
    const pair: StoredPair = { memberships: [], timers: [] };
    pairs.set(key, pair);
    return pair;
  };
  for (const m of memberships) pairOf(m.segmentId, m.customerId).memberships.push(m);
  for (const t of timers) pairOf(t.segmentId, t.customerId).timers.push(t);
  return pairs;
}

/** One query set for the batch: the union of the wanted segments' event names, back to the longest lookback. */
async function loadEvents(
  store: Store,
  options: { workspaceId: string; wanted: Map<string, LoadedSegment[]>; now: number },
): Promise<Map<string, CustomerEvent[]>> {
  const withEvents = [...options.wanted].filter(([, segments]) =>
    segments.some((s) => s.dependencies.events.length > 0),
  );
  if (withEvents.length === 0) return new Map();
  const segments = new Set(withEvents.flatMap(([, list]) => list));
  const names = [...new Set([...segments].flatMap((s) => s.dependencies.events))];
  const lookbackMs = Math.max(...[...segments].map((s) => s.dependencies.lookbackMs));
  const events = await store.segments.customerEvents({
    workspaceId: options.workspaceId,
    customerIds: withEvents.map(([customerId]) => customerId),
    names,
    since: options.now - lookbackMs,
  });
  return groupBy(events, (e) => e.customerId);
}
