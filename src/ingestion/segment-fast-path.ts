import { isTime } from '../shared/iso-time.ts';
import { missingIdentifier, type SegmentMessage } from './segment-schema.ts';

/**
 * Validation for the common well-formed message shapes without zod, which costs more than the
 * rest of preparing a message at ingest rates. Returns what `segmentMessage.parse` would (the same
 * keys in the same order), or undefined for anything it is not sure of: ids as numbers, group and
 * alias calls, any invalid field. Those go through zod, so every error message stays zod's.
 */
export function fastSegmentMessage(raw: unknown): SegmentMessage | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const m = raw as Record<string, unknown>;
  const specific = SPECIFIC_KEYS.get(m.type);
  if (!specific) return undefined;
  if (
    m.messageId !== undefined &&
    !(typeof m.messageId === 'string' && m.messageId.length > 0 && m.messageId.length <= 256)
  ) {
    return undefined;
  }
  if (!optionalString(m.userId) || !optionalString(m.anonymousId) || missingIdentifier(m)) return undefined;
  if (!optionalObject(m.context, false) || !optionalObject(m.integrations, false)) return undefined;
  if (!optionalTime(m.timestamp) || !optionalTime(m.sentAt) || !optionalTime(m.originalTimestamp)) return undefined;
  if (m.type === 'track' && !(typeof m.event === 'string' && m.event.length > 0)) return undefined;
  if (!optionalString(m.name) || !optionalString(m.category)) return undefined;
  if (!optionalObject(m.properties, true) || !optionalObject(m.traits, true)) return undefined;
  // Zod's order: the schema's keys present in the message, then the others as they came.
  const out: Record<string, unknown> = {};
  for (const key of COMMON_KEYS) if (Object.hasOwn(m, key)) out[key] = m[key];
  for (const key of specific) if (Object.hasOwn(m, key)) out[key] = m[key];
  for (const key of Object.keys(m)) {
    if (Object.hasOwn(out, key)) continue;
    // Assigning __proto__ would set the prototype rather than copy the key.
    if (key === '__proto__') return undefined;
    out[key] = m[key];
  }
  return out as SegmentMessage;
}

const COMMON_KEYS = [
  'messageId',
  'userId',
  'anonymousId',
  'context',
  'integrations',
  'timestamp',
  'sentAt',
  'originalTimestamp',
] as const;

/** The keys each handled type's schema adds after the common ones, in schema order. */
const SPECIFIC_KEYS = new Map<unknown, readonly string[]>([
  ['identify', ['type', 'traits']],
  ['track', ['type', 'event', 'properties']],
  ['page', ['type', 'name', 'category', 'properties']],
  ['screen', ['type', 'name', 'properties']],
]);

const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

const isRecord = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `nullable`: traits and properties may be null; context and integrations may not. */
const optionalObject = (v: unknown, nullable: boolean) => v === undefined || (nullable && v === null) || isRecord(v);

const optionalTime = (v: unknown) =>
  v === undefined ||
  v === null ||
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && isTime(v));
