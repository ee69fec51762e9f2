import { isCalendarDate, parseTime } from '../shared/iso-time.ts';
import { WEEKDAYS } from './field-schema.ts';
import type { JourneyTrigger } from './journey-schema.ts';
import { instantOf, localDateTime, nextLocalTime } from './local-time.ts';

type DateTraitTrigger = Extract<JourneyTrigger, { type: 'date_trait' }>;
type ScheduleTrigger = Extract<JourneyTrigger, { type: 'schedule' }>;

export interface TimingQuestion<T> {
  readonly trigger: T;
  /** Only instants strictly after this count. */
  readonly after: number;
  readonly timeZone: string;
}

/** When a schedule trigger next fires for a customer in `timeZone` ("every Monday 09:00 local"). */
export function nextScheduledStart(question: TimingQuestion<ScheduleTrigger>): number {
  const { trigger, after, timeZone } = question;
  const [hour = 0, minute = 0] = trigger.at.split(':').map(Number);
  const weekdays = trigger.days.map((day) => WEEKDAYS.indexOf(day));
  return nextLocalTime({ after, timeZone, hour, minute, weekdays });
}

/**
 * When a date-trait trigger fires for this trait value: `days` before or after the date, or on
 * its next anniversary (`days` earlier, for "3 days before each birthday"), at `at` local time.
 * Undefined when the value is not a date or the moment has passed.
 */
export function dateTraitStart(
  question: TimingQuestion<DateTraitTrigger> & { readonly value: unknown },
): number | undefined {
  const { trigger, after, timeZone } = question;
  const date = calendarDate(question.value, timeZone);
  if (!date) return undefined;
  const [hour = 0, minute = 0] = trigger.at.split(':').map(Number);
  const at = (year: number, month: number, day: number) => instantOf({ year, month, day, hour, minute }, timeZone);
  if (trigger.when !== 'anniversary') {
    const shift = trigger.when === 'before' ? -trigger.days : trigger.days;
    const due = at(date.year, date.month, date.day + shift);
    return due > after ? due : undefined;
  }
  const thisYear = localDateTime(after, timeZone).year;
  for (let year = thisYear; year <= thisYear + 2; year += 1) {
    const due = at(year, date.month, anniversaryDay(year, date) - trigger.days);
    if (due > after) return due;
  }
  return undefined;
}

interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** `2025-03-01` is a calendar date as written; a timestamp is read as the local date it falls on. */
function calendarDate(value: unknown, timeZone: string): CalendarDate | undefined {
  if (typeof value === 'string') {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (match) {
      const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
      return isCalendarDate(date.year, date.month, date.day) ? date : undefined;
    }
  }
  const instant = typeof value === 'number' ? value : typeof value === 'string' ? parseTime(value) : Number.NaN;
  return Number.isFinite(instant) ? localDateTime(instant, timeZone) : undefined;
}

/** 29 February is celebrated on the 28th in other years. */
function anniversaryDay(year: number, date: CalendarDate): number {
  const isLeap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return date.month === 2 && date.day === 29 && !isLeap ? 28 : date.day;
}
