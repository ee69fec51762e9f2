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
