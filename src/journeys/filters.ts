import { parseTime } from '../shared/iso-time.ts';
import { assertNever } from './assert-never.ts';

/**
 * Property filters shared by triggers, conditions, goals, exits and wait_for_event:
 * `{ property: 'total', op: 'gt', value: 100 }`. A missing property never matches, except
 * under `neq` and `exists: false`, so a filter on absent data reads as a person expects.
 */

export const FILTER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'in'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface Filter {
  /** A dotted path into the document, e.g. `total`, `address.city` or `traits.plan`. */
  readonly property: string;
  readonly op: FilterOp;
  /** Not needed by `exists` (defaults to true); an array for `in`. */
  readonly value?: unknown;
}

export type FilterMatch = 'all' | 'any';

/** Reads `a.b.c`; a key that itself contains dots (`"page.url"`) wins over the nested path. */
export function readPath(document: unknown, path: string): unknown {
  if (!isRecord(document)) return undefined;
  if (Object.hasOwn(document, path)) return document[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  return readPath(document[path.slice(0, dot)], path.slice(dot + 1));
}

export function matchesFilter(filter: Filter, document: unknown): boolean {
  const actual = readPath(document, filter.property);
  const { value } = filter;
  switch (filter.op) {
    case 'eq':
      return actual !== undefined && sameValue(actual, value);
    case 'neq':
      return !sameValue(actual, value);
    case 'gt':
      return ordered(actual, value, (d) => d > 0);
    case 'gte':
      return ordered(actual, value, (d) => d >= 0);
    case 'lt':
      return ordered(actual, value, (d) => d < 0);
    case 'lte':
      return ordered(actual, value, (d) => d <= 0);
    case 'contains':
      return contains(actual, value);
    case 'exists':
      return (actual !== undefined && actual !== null) === (value ?? true);
    case 'in':
      return Array.isArray(value) && actual !== undefined && value.some((item) => sameValue(actual, item));
    default:
      return assertNever(filter.op);
  }
}

export function matchesFilters(filters: readonly Filter[], document: unknown, match: FilterMatch = 'all'): boolean {
  if (match === 'any') return filters.some((filter) => matchesFilter(filter, document));
  return filters.every((filter) => matchesFilter(filter, document));
}

/** Deep equality over JSON values. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  return false;
}

/**
 * Orders numbers numerically, a number against a numeric string numerically (analytics SDKs send
 * `"42.50"` as often as `42.5`), ISO dates by time, other strings by code unit. Undefined when the
 * two cannot be ordered, which makes every comparison false.
 */
export function compare(a: unknown, b: unknown): number | undefined {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== undefined && y !== undefined && (typeof a === 'number' || typeof b === 'number')) return x - y;
  if (typeof a === 'string' && typeof b === 'string') {
    const t = isoTime(a);
    const u = isoTime(b);
    if (t !== undefined && u !== undefined) return t - u;
    if (x !== undefined && y !== undefined) return x - y;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return undefined;
}

function ordered(a: unknown, b: unknown, test: (difference: number) => boolean): boolean {
  const difference = compare(a, b);
  return difference !== undefined && test(difference);
}

function contains(actual: unknown, value: unknown): boolean {
  if (typeof actual === 'string') return typeof value === 'string' && actual.includes(value);
  if (Array.isArray(actual)) return actual.some((item) => sameValue(item, value));
  return false;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function isoTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const time = parseTime(text);
  return Number.isNaN(time) ? undefined : time;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
