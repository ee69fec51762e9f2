import { readFileSync } from 'node:fs';
import { parseSegmentText, type SegmentDefinition } from '../../segments/segment-schema.ts';
import { formatDefinitionIssues } from '../../shared/definition-parsing.ts';
import { namesReference } from '../journey-references.ts';
import { formatJourneyIssues, type JourneyDefinition, parseJourneyText } from '../journey-schema.ts';

/** The ready journeys Godwit ships, one YAML file each, for the five common use cases. */

export type UseCase = 'smart_notifications' | 'onboarding' | 'customer_service' | 'lead_nurturing' | 'churn_retention';

export interface CatalogEntry {
  readonly file: string;
  readonly useCase: UseCase;
}

export const CATALOG: readonly CatalogEntry[] = [
  { file: 'abandoned-cart.yaml', useCase: 'smart_notifications' },
  { file: 'onboarding.yaml', useCase: 'onboarding' },
  { file: 'service-follow-up.yaml', useCase: 'customer_service' },
  { file: 'lead-nurturing.yaml', useCase: 'lead_nurturing' },
  { file: 'churn-retention.yaml', useCase: 'churn_retention' },
];

export function readCatalogText(file: string): string {
  return readFileSync(new URL(file, import.meta.url), 'utf8');
}

/** A shipped file that does not validate is a bug in Godwit, not a user error: it throws. */
export function loadCatalogJourney(file: string): JourneyDefinition {
  const result = parseJourneyText(readCatalogText(file));
  if (!result.ok) throw new Error(`catalog/${file}: ${formatJourneyIssues(result.issues)}`);
  return result.journey;
}

/**
 * The segments catalog journeys start on or read, which a workspace may not have: installing a
 * journey creates the ones it names that the workspace lacks.
 */
export const CATALOG_SEGMENTS: readonly string[] = ['segments/no-activity-30d.yaml'];

let segments: readonly SegmentDefinition[] | undefined;

/** Like `loadCatalogJourney`, a shipped segment that does not validate throws. */
export function loadCatalogSegment(file: string): SegmentDefinition {
  const result = parseSegmentText(readCatalogText(file));
  if (!result.ok) throw new Error(`catalog/${file}: ${formatDefinitionIssues(result.issues)}`);
  return result.segment;
}

/** The shipped segments this journey names. */
export function catalogSegmentsFor(journey: JourneyDefinition): SegmentDefinition[] {
  segments ??= CATALOG_SEGMENTS.map(loadCatalogSegment);
  return segments.filter((segment) => namesReference(journey, 'segment', segment.id));
}
