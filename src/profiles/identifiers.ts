import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { isObject } from '../shared/json.ts';
import type { IdentityKind } from '../storage/store.ts';
import { isPlaceholder } from './placeholder-ids.ts';

export function normaliseEmail(value: unknown): string | undefined {
  if (typeof value !== 'string' || isPlaceholder(value)) return undefined;
  const email = value.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : undefined;
}

// Parsing a number takes ~10 µs and the profile processor reads each event's identifiers twice
// (to look up their owners, then to resolve), so remember the most recent few thousand.
const recentPhones = new Map<string, string | undefined>();

/** E.164, or undefined when the number cannot be read (local numbers need a country). */
export function normalisePhone(value: unknown, defaultCountry?: string): string | undefined {
  if ((typeof value !== 'string' && typeof value !== 'number') || isPlaceholder(value)) return undefined;
  const key = `${defaultCountry ?? ''}\u0001${value}`;
  if (recentPhones.has(key)) return recentPhones.get(key);
  const phone = parsePhoneNumberFromString(String(value), defaultCountry as CountryCode | undefined);
  const e164 = phone?.isValid() ? phone.number : undefined;
  if (recentPhones.size >= 20_000) recentPhones.clear();
  recentPhones.set(key, e164);
  return e164;
}

export interface IdentityKey {
  kind: IdentityKind;
  value: string;
}

/** Identifiers in order of authority: userId, then anonymousId, then email, then phone. */
export function identifiersOf(
  message: { userId: string | null; anonymousId: string | null; traits?: unknown },
  defaultCountry?: string,
): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (!isPlaceholder(message.userId)) keys.push({ kind: 'user_id', value: String(message.userId) });
  if (!isPlaceholder(message.anonymousId)) keys.push({ kind: 'anonymous_id', value: String(message.anonymousId) });
  if (isObject(message.traits)) {
    const email = normaliseEmail(message.traits.email);
    if (email) keys.push({ kind: 'email', value: email });
    const country = typeof message.traits.country === 'string' && /^[A-Za-z]{2}$/.test(message.traits.country);
    const phone = normalisePhone(
      message.traits.phone,
      country ? String(message.traits.country).toUpperCase() : defaultCountry,
    );
    if (phone) keys.push({ kind: 'phone', value: phone });
  }
  return keys;
}

/** A value typed into a search box or URL, turned into the forms identities are stored in. */
export function lookupForms(value: string, defaultCountry?: string): string[] {
  const forms = new Set([value.trim()]);
  const email = normaliseEmail(value);
  if (email) forms.add(email);
  const phone = normalisePhone(value, defaultCountry);
  if (phone) forms.add(phone);
  return [...forms];
}
