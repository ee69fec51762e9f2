import { groupBy } from '../../shared/group-by.ts';
import { isObject, parseJsonObject } from '../../shared/json.ts';
import type { SegmentTimerRecord } from '../../storage/segment-store.ts';
import type { Store, StoredEvent } from '../../storage/store.ts';
import { eventAffectsSegment } from '../segment-dependencies.ts';
import { type Evaluated, evaluateCustomers } from './customer-evaluation.ts';
import type { LoadedSegment, SegmentDefinitions } from './segment-definitions.ts';

export interface StageContext {
  readonly store: Store;
  readonly definitions: SegmentDefinitions;
  readonly now: number;
}

const empty = (): Evaluated => ({ pairs: [], events: [], entered: 0, left: 0 });

function add(into: Evaluated, part: Evaluated): void {
  into.pairs.push(...part.pairs);
  into.events.push(...part.events);
  into.entered += part.entered;
  into.left += part.left;
}

/**
 * Re-evaluates the segments a batch of profiled events can affect: a track event those whose
 * event rules it passes, an identify those reading a trait it sets. A customer created or merged
 * after one of their events in the batch arrived gets every segment of the workspace: they have
 * never been evaluated, or their history has just changed.
 */
export async function runEventStage(context: StageContext, events: readonly StoredEvent[]): Promise<Evaluated> {
  const out = empty();
  const owned = events.filter((e) => e.customerId !== null);
  for (const [workspaceId, list] of groupBy(owned, (e) => e.workspaceId)) {
    const segments = context.definitions.inWorkspace(workspaceId);
    if (segments.length === 0) continue;
    const byCustomer = groupBy(list, (e) => e.customerId as string);
    const firstArrival = new Map([...byCustomer].map(([id, evs]) => [id, Math.min(...evs.map((e) => e.receivedAt))]));
    const since = Math.min(...firstArrival.values());
    const ids = [...byCustomer.keys()];
    const merged = new Set(await context.store.segments.mergedSince(workspaceId, ids, since));
    const createdAt = await context.store.segments.createdAtOf(workspaceId, ids);
    const isFresh = (customerId: string) =>
      merged.has(customerId) || (createdAt.get(customerId) ?? -1) >= (firstArrival.get(customerId) ?? 0);
    // Only customers with something to evaluate are loaded: most events concern no segment.
    const wanted = new Map<string, Set<LoadedSegment>>();
    for (const [customerId, customerEvents] of byCustomer) {
      const affected = new Set(
        isFresh(customerId) ? segments : customerEvents.flatMap((e) => [...affectedBy(e, segments)]),
      );
      if (affected.size > 0) wanted.set(customerId, affected);
    }
    const segmentsFor = (customerId: string) => wanted.get(customerId) ?? [];
    add(out, await evaluateCustomers({ ...context, workspaceId, customerIds: [...wanted.keys()], segmentsFor }));
  }
  return out;
}

function* affectedBy(stored: StoredEvent, segments: readonly LoadedSegment[]): Generator<LoadedSegment> {
  if (stored.type !== 'track' && stored.type !== 'identify') return;
  // Most events concern no segment: skip parsing them.
  if (stored.type === 'track' && !segments.some((s) => s.dependencies.events.includes(stored.event ?? ''))) return;
  if (stored.type === 'identify' && !segments.some((s) => s.dependencies.traits.length > 0)) return;
  const payload = parseJsonObject(stored.payload);
  if (stored.type === 'track' && stored.event !== null) {
    const event = {
      event: stored.event,
      properties: isObject(payload.properties) ? payload.properties : {},
      timestamp: stored.timestamp,
    };
    for (const segment of segments) if (eventAffectsSegment(segment.record.definition, event)) yield segment;
    return;
  }
  const set = new Set(Object.keys(isObject(payload.traits) ? payload.traits : {}));
  if (set.size === 0) return;
  for (const segment of segments) {
    // A path like address.city is set by an identify that sets address.
    if (segment.dependencies.traits.some((path) => set.has(path.split('.')[0] as string))) yield segment;
  }
}

/** Re-evaluates the pairs whose timers are due. A timer of a segment that is gone is removed. */
export async function runTimerStage(context: StageContext, timers: readonly SegmentTimerRecord[]): Promise<Evaluated> {
  const out = empty();
  for (const [workspaceId, list] of groupBy(timers, (t) => t.workspaceId)) {
    const byCustomer = groupBy(list, (t) => t.customerId);
    for (const timer of list) {
      if (context.definitions.find(workspaceId, timer.segmentId)) continue;
      out.pairs.push({ workspaceId, segmentId: timer.segmentId, customerId: timer.customerId, timer: null });
    }
    const segmentsFor = (customerId: string) =>
      (byCustomer.get(customerId) ?? []).flatMap((t) => context.definitions.find(workspaceId, t.segmentId) ?? []);
    add(out, await evaluateCustomers({ ...context, workspaceId, customerIds: [...byCustomer.keys()], segmentsFor }));
  }
  return out;
}

/** Evaluates one segment for a page of its workspace's customers, after a definition was saved. */
export async function runBackfillStage(
  context: StageContext,
  segment: LoadedSegment,
  customerIds: readonly string[],
): Promise<Evaluated> {
  return evaluateCustomers({
    ...context,
    workspaceId: segment.record.workspaceId,
    customerIds,
    segmentsFor: () => [segment],
  });
}
