import { approximateMs, parseDuration } from '../journeys/duration.ts';
import { matchesFilters } from '../journeys/filters.ts';
import type { SegmentEvent } from './event-aggregate.ts';
import type { EventCondition, SegmentRule } from './rule-schema.ts';
import type { SegmentDefinition } from './segment-schema.ts';

/**
 * What a segment reads, so the runtime knows which events to load, which arrivals and profile
 * changes to re-evaluate it on, and how far back to look.
 */
export interface SegmentDependencies {
  readonly events: readonly string[];
  /** Trait paths; an identify that sets one of them can change membership. */
  readonly traits: readonly string[];
  /** Consent channels; a consent change on one of them can change membership. */
  readonly consentChannels: readonly string[];
  /** The longest window in ms: older events can never matter (0 without event rules). */
  readonly lookbackMs: number;
}

export function segmentDependencies(definition: SegmentDefinition): SegmentDependencies {
  const conditions = leavesOf(definition.rule);
  const names = (values: string[]) => [...new Set(values)].sort();
  return {
    events: segmentEventNames(definition),
    traits: names(conditions.flatMap((rule) => (rule.type === 'trait' ? [rule.trait] : []))),
    consentChannels: names(conditions.flatMap((rule) => (rule.type === 'consent' ? [rule.consent.channel] : []))),
    lookbackMs: segmentLookback(definition),
  };
}

export function segmentEventNames(definition: SegmentDefinition): string[] {
  return [...new Set(eventConditionsOf(definition).map((condition) => condition.event))].sort();
}

/** The longest `within` in ms (a day counted as 24 hours, as windows are). */
export function segmentLookback(definition: SegmentDefinition): number {
  return Math.max(
    0,
    ...eventConditionsOf(definition).map((condition) => approximateMs(parseDuration(condition.within))),
  );
}

/** Whether an arriving event can change membership: it has a rule's name and passes that rule's filters. */
export function eventAffectsSegment(definition: SegmentDefinition, event: SegmentEvent): boolean {
  return eventConditionsOf(definition).some(
    (condition) => condition.event === event.event && matchesFilters(condition.where, event.properties),
  );
}

function eventConditionsOf(definition: SegmentDefinition): EventCondition[] {
  return leavesOf(definition.rule).flatMap((rule) => (rule.type === 'event' ? [rule] : []));
}

type Leaf = Extract<SegmentRule, { type: 'trait' | 'consent' | 'event' }>;

function leavesOf(rule: SegmentRule): Leaf[] {
  if (rule.type === 'all') return rule.all.flatMap(leavesOf);
  if (rule.type === 'any') return rule.any.flatMap(leavesOf);
  if (rule.type === 'not') return leavesOf(rule.not);
  return [rule];
}
