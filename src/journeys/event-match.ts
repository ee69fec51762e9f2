import { MEMBERSHIP_EVENTS } from '../segments/membership-change.ts';
import { matchesFilters, readPath, sameValue } from './filters.ts';
import type { EventMatcher, JourneyTrigger } from './journey-schema.ts';
import type { EventSnapshot, TriggerSnapshot } from './run-state.ts';

/**
 * Whether an event is the one a goal, exit or wait_for_event describes. With `correlate`, the
 * property must be present on the run's trigger and equal on the event: a purchase of another
 * cart does not end the wait for this one.
 */
export function matchesEvent(matcher: EventMatcher, event: EventSnapshot, trigger: TriggerSnapshot): boolean {
  if (event.event !== matcher.event || !matchesFilters(matcher.where, event.properties)) return false;
  if (matcher.correlate === undefined) return true;
  const expected = readPath(trigger.properties, matcher.correlate);
  return (
    expected !== undefined && expected !== null && sameValue(readPath(event.properties, matcher.correlate), expected)
  );
}

/** Whether an incoming event starts a run of a journey with this trigger (entry policy aside). */
export function matchesEventTrigger(trigger: JourneyTrigger, event: EventSnapshot): boolean {
  if (trigger.type === 'segment') {
    return event.event === MEMBERSHIP_EVENTS[trigger.on] && event.properties.segment_id === trigger.segment;
  }
  return trigger.type === 'event' && event.event === trigger.event && matchesFilters(trigger.where, event.properties);
}
