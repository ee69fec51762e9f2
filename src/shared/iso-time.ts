/**
 * Times written as text, read the one way everywhere: `Date.parse`, except that a date that is not on
 * the calendar (`2026-02-30`, which `Date.parse` turns into 2 March) is no time at all, and a date-time
 * without an offset is UTC (`Date.parse` would read it in the server's own zone).
 */

const LEADING_DATE = /^(\d{4})-(\d{2})-(\d{2})/;
// `T` or a space between date and time (SQL and Python write the space).
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** Whether `year-month-day` is a day of the (proleptic Gregorian) calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch milliseconds, or NaN when the text is not a time. */
export function parseTime(text: string): number {
  const date = LEADING_DATE.exec(text);
  if (date && !isCalendarDate(Number(date[1]), Number(date[2]), Number(date[3]))) return Number.NaN;
  return Date.parse(WITHOUT_OFFSET.test(text) ? `${text}Z` : text);
}

export function isTime(text: string): boolean {
  return !Number.isNaN(parseTime(text));
}
