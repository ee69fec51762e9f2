import { isObject } from '../shared/json.ts';
import type { ProfileRecord } from '../storage/store.ts';

const TIMEZONE_KEY = '$timezone';
const LOCALE_KEY = '$locale';

/**
 * Applies an event's traits, timezone and locale to a profile, last write wins per field by
 * event time (not arrival order). Returns whether anything changed.
 */
export function applyEventTraits(
  profile: ProfileRecord,
  event: { type: string; timestamp: number; traits?: Record<string, unknown>; context?: Record<string, unknown> },
): boolean {
  let changed = false;
  const set = (name: string, apply: () => void) => {
    if ((profile.traitTimes[name] ?? Number.NEGATIVE_INFINITY) > event.timestamp) return;
    profile.traitTimes[name] = event.timestamp;
    apply();
    changed = true;
  };
  const traits = event.type === 'identify' && isObject(event.traits) ? event.traits : {};
  for (const [name, value] of Object.entries(traits)) {
    set(name, () => {
      profile.traits[name] = value;
    });
  }
  const context = event.context ?? {};
  const timezone = validTimezone(traits.timezone) ?? validTimezone(context.timezone);
  if (timezone && timezone !== profile.timezone) set(TIMEZONE_KEY, () => (profile.timezone = timezone));
  const locale = validLocale(traits.locale) ?? validLocale(context.locale);
  if (locale && locale !== profile.locale) set(LOCALE_KEY, () => (profile.locale = locale));
  return changed;
}

/** Folds `source` into `target`: per trait and per consent entry, the newer one wins. */
export function mergeProfileInto(target: ProfileRecord, source: ProfileRecord): void {
  for (const [name, time] of Object.entries(source.traitTimes)) {
    if ((target.traitTimes[name] ?? Number.NEGATIVE_INFINITY) >= time) continue;
    target.traitTimes[name] = time;
    if (name === TIMEZONE_KEY) target.timezone = source.timezone;
    else if (name === LOCALE_KEY) target.locale = source.locale;
    else target.traits[name] = source.traits[name];
  }
  for (const [channel, topics] of Object.entries(source.consent)) {
    const into = target.consent[channel] ?? {};
    for (const [topic, entry] of Object.entries(topics)) {
      if (!into[topic] || into[topic].at < entry.at) into[topic] = entry;
    }
    target.consent[channel] = into;
  }
  target.createdAt = Math.min(target.createdAt, source.createdAt);
}

// Checking a zone name builds an Intl formatter (tens of µs); most events repeat a few names.
const knownTimezones = new Map<string, string | undefined>();

function validTimezone(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (!knownTimezones.has(value)) {
    if (knownTimezones.size > 10_000) knownTimezones.clear();
    knownTimezones.set(value, canonicalTimezone(value));
  }
  return knownTimezones.get(value);
}

/** ICU's own names, by lower case: `asia/shanghai` is stored as `Asia/Shanghai`. */
let listedZones: Map<string, string> | undefined;

/**
 * The zone as the customer's data names it, in its usual case. ICU would name some by an older alias
 * (`Asia/Kolkata` as `Asia/Calcutta`, `Europe/Kyiv` as `Europe/Kiev`), which the data never said.
 */
function canonicalTimezone(value: string): string | undefined {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  listedZones ??= new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]));
  const lower = value.toLowerCase();
  return listedZones.get(lower) ?? (resolved.toLowerCase() === lower ? resolved : value);
}

// Canonicalising a locale costs microseconds per event, and events repeat a few locales.
const knownLocales = new Map<string, string | undefined>();

function validLocale(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (!knownLocales.has(value)) {
    if (knownLocales.size > 10_000) knownLocales.clear();
    knownLocales.set(value, canonicalLocale(value));
  }
  return knownLocales.get(value);
}

function canonicalLocale(value: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(value.replace('_', '-'))[0];
  } catch {
    return undefined;
  }
}
