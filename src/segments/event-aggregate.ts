import { assertNever } from '../journeys/assert-never.ts';
import { approximateMs, parseDuration } from '../journeys/duration.ts';
import { compare, matchesFilters, readPath } from '../journeys/filters.ts';
import type { AggregateOp, EventCondition } from './rule-schema.ts';

/** One of the customer's events, as the runtime loads it for evaluation. */
export interface SegmentEvent {
  readonly event: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly timestamp: number;
}

/** Whether a rule holds now, and the first instant after now it could stop or start holding by time alone. */
export interface Verdict {
  readonly holds: boolean;
  readonly changesAt: number | null;
}

/** A matching event reduced to what the aggregate needs: when, and how much it adds to a sum. */
interface Occurrence {
  readonly at: number;
  readonly amount: number;
}

/**
 * Evaluates "count/sum/last_seen of an event within a window". The window at instant t is
 * (t − within, t]: an event 30 days old has just left a 30d window, and an event stamped after t
 * is not in it yet. Windows are elapsed time (a day is 24 hours), so membership does not depend on
 * the customer's time zone and a timer fires exactly when it should.
 */
export function evaluateEventCondition(
  condition: EventCondition,
  events: readonly SegmentEvent[],
  now: number,
): Verdict {
  const windowMs = approximateMs(parseDuration(condition.within));
  const occurrences = occurrencesOf(condition, events);
  const holdsAt = (instant: number) => holds(condition, measure(condition, occurrences, { instant, windowMs }));
  const holdsNow = holdsAt(now);
  // The measure only changes when an event enters or leaves the window (and, for the time since
  // the last one, when that time crosses the threshold), so checking those instants in order finds
  // the first change.
  for (const instant of changeCandidates(condition, occurrences, { instant: now, windowMs })) {
    if (holdsAt(instant) !== holdsNow) return { holds: holdsNow, changesAt: instant };
  }
  return { holds: holdsNow, changesAt: null };
}

function occurrencesOf(condition: EventCondition, events: readonly SegmentEvent[]): Occurrence[] {
  const occurrences: Occurrence[] = [];
  for (const event of events) {
    if (event.event !== condition.event || !matchesFilters(condition.where, event.properties)) continue;
    if (condition.aggregate !== 'sum' || condition.property === undefined) {
      occurrences.push({ at: event.timestamp, amount: 1 });
      continue;
    }
    // A value that is not a number adds nothing, so it should not count as a change either.
    const amount = numericValue(readPath(event.properties, condition.property));
    if (amount !== undefined) occurrences.push({ at: event.timestamp, amount });
  }
  return occurrences.sort((a, b) => a.at - b.at);
}

/** Numbers and numeric strings ("42.50"), read the way filters compare them; anything else is undefined. */
function numericValue(value: unknown): number | undefined {
  return compare(value, 0);
}

interface WindowAt {
  readonly instant: number;
  readonly windowMs: number;
}

/** count and sum are numbers; last_seen is the time since the last one in the window, if any. */
function measure(condition: EventCondition, occurrences: readonly Occurrence[], at: WindowAt): number | undefined {
  const from = firstAfter(occurrences, at.instant - at.windowMs);
  const to = firstAfter(occurrences, at.instant);
  switch (condition.aggregate) {
    case 'count':
      return to - from;
    case 'sum': {
      let sum = 0;
      for (let i = from; i < to; i += 1) sum += occurrences[i]?.amount ?? 0;
      return sum;
    }
    case 'last_seen': {
      const last = to > from ? occurrences[to - 1] : undefined;
      return last ? at.instant - last.at : undefined;
    }
    default:
      return assertNever(condition.aggregate);
  }
}

function holds(condition: EventCondition, measured: number | undefined): boolean {
  const { op, value } = condition;
  if (op === 'exists') return (measured !== undefined) === (value ?? true);
  if (measured === undefined) return false;
  const threshold = condition.aggregate === 'last_seen' ? ageThreshold(condition) : Number(value);
  return comparison(op, measured - threshold);
}

function comparison(op: Exclude<AggregateOp, 'exists'>, difference: number): boolean {
  switch (op) {
    case 'eq':
      return difference === 0;
    case 'neq':
      return difference !== 0;
    case 'gt':
      return difference > 0;
    case 'gte':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'lte':
      return difference <= 0;
    default:
      return assertNever(op);
  }
}

function ageThreshold(condition: EventCondition): number {
  return approximateMs(parseDuration(String(condition.value)));
}

/** Instants after now, ascending, at which the rule's truth can change with no new event. */
function changeCandidates(condition: EventCondition, occurrences: readonly Occurrence[], at: WindowAt): number[] {
  const offsets = [0, at.windowMs];
  if (condition.aggregate === 'last_seen' && condition.op !== 'exists') {
    // "More than 7d ago" turns true 1 ms after the 7 days; "at least 7d ago" exactly at them.
    const threshold = ageThreshold(condition);
    offsets.push(threshold, threshold + 1);
  }
  const instants = occurrences.flatMap((o) => offsets.map((offset) => o.at + offset)).filter((t) => t > at.instant);
  return [...new Set(instants)].sort((a, b) => a - b);
}

/** Index of the first occurrence later than `instant` (occurrences are sorted by time). */
function firstAfter(occurrences: readonly Occurrence[], instant: number): number {
  let low = 0;
  let high = occurrences.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((occurrences[middle]?.at ?? Number.POSITIVE_INFINITY) > instant) high = middle;
    else low = middle + 1;
  }
  return low;
}
