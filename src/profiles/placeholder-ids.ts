import { isObject } from '../shared/json.ts';

/**
 * Values that SDKs and forms send when they have no real id; they must never link two people.
 * Apart from identifiers.ts so ingestion can refuse them without loading the phone-number library.
 */
const PLACEHOLDERS = new Set([
  '',
  'null',
  'undefined',
  'anonymous',
  '0',
  '-1',
  'none',
  'nil',
  'nan',
  'unknown',
  '[object object]',
]);

export function isPlaceholder(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  return PLACEHOLDERS.has(String(value).trim().toLowerCase());
}

/**
 * Whether identify traits hold an email or phone that identity resolution may key a profile by. A look at the
 * shape only, looser than identifiers.ts (which has the last word), so ingestion need not load the phone library.
 */
export function hasContactTrait(traits: unknown): boolean {
  if (!isObject(traits)) return false;
  const { email, phone } = traits;
  const emailLike = typeof email === 'string' && !isPlaceholder(email) && /\S@\S/.test(email);
  const phoneLike =
    (typeof phone === 'string' || typeof phone === 'number') && !isPlaceholder(phone) && /\d/.test(String(phone));
  return emailLike || phoneLike;
}
