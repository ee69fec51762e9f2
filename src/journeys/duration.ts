import { addLocalDays } from './local-time.ts';

/**
 * A journey duration such as `30m`, `2h`, `3d`, `1w` or `1d12h`. Days and weeks are calendar days
 * in the customer's time zone (a reminder sent at 10:00 stays at 10:00 across DST); seconds,
 * minutes and hours are elapsed time.
 */
export interface Duration {
  readonly days: number;
  readonly ms: number;
}

export const DURATION_PATTERN = /^(\d+[smhdw])+$/;
export const DURATION_HINT = 'must be like 30m, 2h, 3d';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000 };
const UNIT_DAYS: Readonly<Record<string, number>> = { d: 1, w: 7 };

export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text) && approximateMs(parseDuration(text)) > 0;
}

export function parseDuration(text: string): Duration {
  if (!DURATION_PATTERN.test(text)) throw new Error(`"${text}" ${DURATION_HINT}`);
  let days = 0;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g)) {
    const n = Number(amount);
    if (unit && unit in UNIT_DAYS) days += n * (UNIT_DAYS[unit] ?? 0);
    else ms += n * (UNIT_MS[unit ?? ''] ?? 0);
  }
  return { days, ms };
}

/** For horizons and sorting only: a day counted as 24 hours. */
export function approximateMs(duration: Duration): number {
  return duration.days * 86_400_000 + duration.ms;
}

export function addDuration(instant: number, duration: Duration, timeZone: string): number {
  const afterDays = duration.days === 0 ? instant : addLocalDays(instant, duration.days, timeZone);
  return afterDays + duration.ms;
}
