/**
 * Wall-clock arithmetic in a customer's time zone with nothing but `Intl`. The engine schedules
 * "09:00 local" and "3 days later" as a person reads them, so a daylight-saving change moves the
 * instant, not the wall time.
 */

const DAY_MS = 86_400_000;

/** A wall-clock reading in some time zone. `weekday` is 0 for Sunday, as `Date#getUTCDay`. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
}

export type WallTime = Omit<LocalDateTime, 'weekday' | 'second'> & { readonly second?: number };

/** The parts a wall-clock reading is formatted into (24-hour clock). */
export const WALL_CLOCK_PARTS: Intl.DateTimeFormatOptions = {
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
};

// Building a DateTimeFormat costs far more than using one; the cache holds no observable state.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, ...WALL_CLOCK_PARTS });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localDateTime(instant: number, timeZone: string): LocalDateTime {
  const offset = slotOffset(instant, timeZone);
  if (offset === undefined) return formatted(instant, timeZone);
  const wall = new Date(instant + offset);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    weekday: wall.getUTCDay(),
  };
}

function formatted(instant: number, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, hour, minute, second, weekday };
}

/**
 * Offsets by 15-minute slot, per zone: formatting is the dearest step of scheduling and deciding,
 * and a whole batch asks about the same few slots. A slot whose first and last second have the
 * same offset holds no transition (transitions are months apart); one that holds a transition is
 * remembered as null and formatted every time.
 */
const SLOT_MS = 15 * 60_000;
const SLOTS_PER_ZONE = 4096;
const slotOffsets = new Map<string, Map<number, number | null>>();

function slotOffset(instant: number, timeZone: string): number | undefined {
  const slot = Math.floor(instant / SLOT_MS);
  let zone = slotOffsets.get(timeZone);
  if (!zone) {
    zone = new Map();
    slotOffsets.set(timeZone, zone);
  }
  let offset = zone.get(slot);
  if (offset === undefined) {
    if (zone.size >= SLOTS_PER_ZONE) zone.clear();
    const start = slot * SLOT_MS;
    const first = exactOffset(start, timeZone);
    offset = first === exactOffset(start + SLOT_MS - 1000, timeZone) ? first : null;
    zone.set(slot, offset);
  }
  return offset ?? undefined;
}

/** Local time minus UTC at a whole-second instant, by formatting. */
function exactOffset(wholeSecond: number, timeZone: string): number {
  return wallMs(formatted(wholeSecond, timeZone)) - wholeSecond;
}

function wallMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
}

/** Local time minus UTC at `instant`, in ms (e.g. −4 h in New York in summer). */
export function offsetAt(instant: number, timeZone: string): number {
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  return slotOffset(wholeSecond, timeZone) ?? exactOffset(wholeSecond, timeZone);
}

/**
 * The instant a wall time happens in `timeZone`. Out-of-range fields roll over (day 32 is the
 * next month). Like Temporal's "compatible" choice: a time repeated when clocks go back is its
 * first occurrence; a time skipped when clocks go forward moves forward by the gap (02:30 → 03:30).
 */
export function instantOf(wall: WallTime, timeZone: string): number {
  const target = wallMs(wall);
  // Transitions are months apart, so the offsets a day either side cover every candidate.
  const before = offsetAt(target - DAY_MS, timeZone);
  const after = offsetAt(target + DAY_MS, timeZone);
  const matches = [target - before, target - after]
    .filter((instant) => wallMs(localDateTime(instant, timeZone)) === target)
    .sort((a, b) => a - b);
  return matches[0] ?? target - before;
}

/** The same wall time `days` calendar days later (a "day" across a DST change is 23 or 25 hours). */
export function addLocalDays(instant: number, days: number, timeZone: string): number {
  const local = localDateTime(instant, timeZone);
  const millis = instant - Math.floor(instant / 1000) * 1000;
  return instantOf({ ...local, day: local.day + days }, timeZone) + millis;
}

export interface NextLocalTimeOptions {
  readonly after: number;
  readonly timeZone: string;
  readonly hour: number;
  readonly minute: number;
  /** Allowed weekdays, 0 = Sunday; empty or absent means every day. */
  readonly weekdays?: readonly number[];
}

/** The first instant strictly after `after` whose local wall time is hour:minute on an allowed day. */
export function nextLocalTime(options: NextLocalTimeOptions): number {
  const { after, timeZone, hour, minute, weekdays = [] } = options;
  const today = localDateTime(after, timeZone);
  for (let offset = 0; offset <= 8; offset += 1) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    if (weekdays.length > 0 && !weekdays.includes(date.getUTCDay())) continue;
    const wall = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute };
    const instant = instantOf(wall, timeZone);
    if (instant > after) return instant;
  }
  throw new Error(`no ${hour}:${minute} within 8 days after ${after} in ${timeZone}`);
}

/** An instant as the customer's wall clock reads it, with the zone, for sentences: `2026-03-16 08:00 Europe/Berlin`. */
export function wallTime(at: number, timeZone: string): string {
  if (!Number.isFinite(at)) return 'never';
  const t = localDateTime(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)} ${timeZone}`;
}
