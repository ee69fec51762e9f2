import type { JourneyDefinition, JourneyTrigger } from './journey-schema.ts';
import { isValidTimeZone, localDateTime } from './local-time.ts';
import { dateTraitStart, nextScheduledStart } from './trigger-timing.ts';

/**
 * Pure decisions for the runtime's schedule and date-trait triggers, on top of trigger-timing.ts:
 * which zones a schedule occurrence covers, when the next one is, and what a due date timer does.
 */

type DateTraitTrigger = Extract<JourneyTrigger, { type: 'date_trait' }>;
type ScheduleTrigger = Extract<JourneyTrigger, { type: 'schedule' }>;

const DAY_MS = 86_400_000;

/** The zone a customer's wall times are read in: theirs if valid, else the journey's, else UTC. */
export function zoneOf(customerZone: string | null | undefined, journeyZone: string | undefined): string {
  if (customerZone && isValidTimeZone(customerZone)) return customerZone;
  return journeyZone ?? 'UTC';
}

/** What a trigger timer was planned for; a new version with the same plan keeps its timers. */
export function triggerPlanOf(definition: JourneyDefinition): string {
  return JSON.stringify({ trigger: definition.trigger, timezone: definition.timezone ?? null });
}

export interface ScheduleWindow {
  readonly trigger: ScheduleTrigger;
  /** The distinct timezone values of the workspace's customers (null: not set). */
  readonly zones: readonly (string | null)[];
  readonly journeyZone: string | undefined;
}

/**
 * The timezone values due at an occurrence: those whose first local occurrence after `since` is
 * by `until`. Successive windows (since, until] never overlap, so each zone's occurrence falls in
 * exactly one of them, even for a zone first seen after the window was planned (it fires late, once).
 */
export function dueZoneValues(window: ScheduleWindow & { since: number; until: number }): (string | null)[] {
  const { trigger, since, until, journeyZone } = window;
  return window.zones.filter(
    (zone) => nextScheduledStart({ trigger, after: since, timeZone: zoneOf(zone, journeyZone) }) <= until,
  );
}

/** The next occurrence after `after` among the zones in use (the journey's zone when there are none). */
export function nextScheduleOccurrence(window: ScheduleWindow & { after: number }): number {
  const { trigger, after, journeyZone } = window;
  const zones = new Set(window.zones.map((zone) => zoneOf(zone, journeyZone)));
  if (zones.size === 0) zones.add(zoneOf(null, journeyZone));
  return Math.min(...[...zones].map((timeZone) => nextScheduledStart({ trigger, after, timeZone })));
}

/** Where a walk over customers stands: the occurrence (or backfill) it is in and the last id done. */
export interface WalkPosition {
  readonly dueAt: number;
  readonly since: number | null;
  readonly after: string;
}

/**
 * The position after one committed page. A full page may have more behind it, so the walk stays
 * due at the same occurrence from its last id; a short page ends it and `next()` is the next
 * occurrence (null: nothing more to do). The runtime commits this with the page's runs in one
 * transaction: a crash before it redoes the page whole, after it never repeats it.
 */
export function afterPage(
  position: WalkPosition,
  page: { readonly customerIds: readonly string[]; readonly pageSize: number },
  next: () => number | null,
): { dueAt: number | null; since: number | null; after: string } {
  const last = page.customerIds.at(-1);
  if (last !== undefined && page.customerIds.length >= page.pageSize) {
    return { dueAt: position.dueAt, since: position.since, after: last };
  }
  return { dueAt: next(), since: position.dueAt, after: '' };
}

export type DateTimerDecision =
  /** Start a run for the occasion on `date`; then wait for `next` (an anniversary's next year), if any. */
  | { readonly fire: true; readonly date: string; readonly next: number | undefined }
  /** Not now: wait for `next` (the trait moved), or drop the timer (undefined: no date, or passed). */
  | { readonly fire: false; readonly next: number | undefined };

/**
 * What a date timer due at `dueAt` does, read against the customer's trait value and zone now: a
 * timer left behind by a change not yet seen (a later date, another zone) moves instead of firing.
 */
export function decideDateTimer(question: {
  readonly trigger: DateTraitTrigger;
  readonly value: unknown;
  readonly dueAt: number;
  readonly now: number;
  readonly timeZone: string;
}): DateTimerDecision {
  const { trigger, value, dueAt, now, timeZone } = question;
  // Two days back covers a zone change that moved the local 09:00 by up to a day either way.
  const expected = dateTraitStart({ trigger, value, after: Math.min(dueAt, now) - 2 * DAY_MS, timeZone });
  if (expected === undefined) return { fire: false, next: undefined };
  if (expected > now) return { fire: false, next: expected };
  const next =
    trigger.when === 'anniversary'
      ? dateTraitStart({ trigger, value, after: Math.max(now, expected), timeZone })
      : undefined;
  return { fire: true, date: occasionDate(trigger, expected, timeZone), next };
}

/** The date being celebrated or counted from, as YYYY-MM-DD: the fire day moved back by the offset. */
function occasionDate(trigger: DateTraitTrigger, firedAt: number, timeZone: string): string {
  const local = localDateTime(firedAt, timeZone);
  const shift = trigger.when === 'after' ? -trigger.days : trigger.days;
  return new Date(Date.UTC(local.year, local.month - 1, local.day + shift)).toISOString().slice(0, 10);
}
