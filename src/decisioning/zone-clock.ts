import { offsetAt } from '../journeys/local-time.ts';

/**
 * Local wall time for many instants in one window, cheaply. `Intl` costs microseconds per call and
 * a best-time decision reads ~25 slots, so when the zone's offset is the same at both ends of the
 * window (no DST change inside; real zones change at most twice a year) every slot is plain
 * arithmetic; otherwise each instant asks `Intl`.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface ZoneClock {
  /** The local wall time of `instant`, as ms since 1970 read as if it were UTC. */
  wall(instant: number): number;
  readonly fixedOffset: number | undefined;
}

export function zoneClock(from: number, to: number, timeZone: string): ZoneClock {
  const start = offsetAt(from, timeZone);
  const end = offsetAt(to, timeZone);
  if (start === end) return { wall: (instant) => instant + start, fixedOffset: start };
  return { wall: (instant) => instant + offsetAt(instant, timeZone), fixedOffset: undefined };
}

/** 0 = Sunday 00:00 … 167 = Saturday 23:00, from a wall time. */
export function hourOfWeekOfWall(wall: number): number {
  const days = Math.floor(wall / DAY_MS);
  const weekday = (((days + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return weekday * 24 + Math.floor((wall - days * DAY_MS) / HOUR_MS);
}

export function minuteOfDayOfWall(wall: number): number {
  const days = Math.floor(wall / DAY_MS);
  return Math.floor((wall - days * DAY_MS) / 60_000);
}
