import { stringify } from 'yaml';
import type { JourneyDefinition } from './journey-schema.ts';

/** Journeys as files people edit and diff: YAML out, and what counts as "the same definition". */

/**
 * The definition as YAML, without `version`: Godwit assigns versions, so a file that carried one
 * would go stale with the next edit. Reading it back gives the same definition.
 */
export function journeyYaml(definition: JourneyDefinition): string {
  const { version: _version, ...rest } = definition;
  return stringify(rest, { lineWidth: 0 });
}

/** Equal apart from `version` and `status`, whatever the order of keys. */
export function sameDefinition(a: JourneyDefinition, b: JourneyDefinition): boolean {
  return canonical(a) === canonical(b);
}

function canonical(definition: JourneyDefinition): string {
  const { version: _version, status: _status, ...rest } = definition;
  return JSON.stringify(sortKeys(rest));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}
