import type { FilterImplOptions, Liquid } from 'liquidjs';
import { parseTime } from '../shared/iso-time.ts';

/**
 * Filters that format for the customer: in the locale the message is rendered in and the
 * customer's timezone (UTC when unknown). They read both from the render context
 * (`message.locale`, `customer.timezone`), so a template needs no arguments for them.
 *
 *   {{ 1234.5 | money: "EUR" }}       → €1,234.50 / €1,234.50 (zh-CN)
 *   {{ 0.25 | number }}               → 0.25
 *   {{ event.timestamp | local_date }}  → January 6, 2025 / 2025年1月6日  (style: short|medium|long|full)
 *   {{ event.timestamp | local_time }}  → 10:00 AM / 10:00
 */

interface Environment {
  readonly message?: { readonly locale?: string };
  readonly customer?: { readonly timezone?: string | null };
}

type DateStyle = 'short' | 'medium' | 'long' | 'full';
const STYLES: readonly DateStyle[] = ['short', 'medium', 'long', 'full'];

function where(context: { environments: unknown }): { locale: string; timeZone: string } {
  const env = context.environments as Environment;
  const timeZone = env.customer?.timezone ?? 'UTC';
  return { locale: env.message?.locale ?? 'en', timeZone: validZone(timeZone) ? timeZone : 'UTC' };
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function toNumber(value: unknown, filter: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new Error(`${filter} needs a number, not ${JSON.stringify(value)}`);
  }
  return number;
}

function toDate(value: unknown, filter: string): Date {
  const date =
    typeof value === 'number' ? new Date(value) : typeof value === 'string' ? new Date(parseTime(value)) : value;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new Error(`${filter} needs a date (ms or ISO 8601), not ${JSON.stringify(value)}`);
  }
  return date;
}

function styleOf(style: unknown, fallback: DateStyle): DateStyle {
  if (style === undefined) return fallback;
  if (!STYLES.includes(style as DateStyle)) throw new Error(`date style must be one of ${STYLES.join(', ')}`);
  return style as DateStyle;
}

export function registerLocaleFilters(liquid: Liquid): void {
  const filters: Record<string, FilterImplOptions> = {
    money(this, value: unknown, currency: unknown = 'USD') {
      const { locale } = where(this.context);
      return new Intl.NumberFormat(locale, { style: 'currency', currency: String(currency) }).format(
        toNumber(value, 'money'),
      );
    },
    number(this, value: unknown, digits?: unknown) {
      const { locale } = where(this.context);
      const fraction = digits === undefined ? {} : { maximumFractionDigits: Number(digits) };
      return new Intl.NumberFormat(locale, fraction).format(toNumber(value, 'number'));
    },
    local_date(this, value: unknown, style?: unknown) {
      const { locale, timeZone } = where(this.context);
      return new Intl.DateTimeFormat(locale, { dateStyle: styleOf(style, 'long'), timeZone }).format(
        toDate(value, 'local_date'),
      );
    },
    local_time(this, value: unknown, style?: unknown) {
      const { locale, timeZone } = where(this.context);
      return new Intl.DateTimeFormat(locale, { timeStyle: styleOf(style, 'short'), timeZone }).format(
        toDate(value, 'local_time'),
      );
    },
  };
  for (const [name, filter] of Object.entries(filters)) liquid.registerFilter(name, filter);
}
