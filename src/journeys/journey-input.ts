import { invalidInput, notFound } from '../shared/errors.ts';
import { CATALOG, loadCatalogJourney, type UseCase } from './catalog/journey-catalog.ts';
import { requirementsOf } from './journey-requirements.ts';
import {
  formatJourneyIssues,
  type JourneyDefinition,
  type JourneyParseResult,
  parseJourney,
  parseJourneyText,
} from './journey-schema.ts';

/** Where the API and the CLI take a journey from: a definition, a catalog id, or JSON/YAML text. */

export interface CatalogSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly category: JourneyDefinition['category'];
  readonly useCase: UseCase;
  /** Declared requirements plus the events the journey starts on or waits for (not its exits). */
  readonly requires: ReturnType<typeof requirementsOf>;
}

type Loaded = { entry: (typeof CATALOG)[number]; journey: JourneyDefinition };
let loaded: Loaded[] | undefined;
/** Read once: the files ship with Godwit and do not change while it runs. */
const catalog = (): Loaded[] => {
  loaded ??= CATALOG.map((entry) => ({ entry, journey: loadCatalogJourney(entry.file) }));
  return loaded;
};

export function catalogSummaries(): CatalogSummary[] {
  return catalog().map(({ entry, journey }) => ({
    id: journey.id,
    name: journey.name,
    description: journey.description ?? null,
    category: journey.category,
    useCase: entry.useCase,
    requires: requirementsOf(journey),
  }));
}

/** By journey id (`abandoned-cart`) or by file name with or without `.yaml`. */
export function findCatalogJourney(id: string): JourneyDefinition | undefined {
  const found = catalog().find(
    ({ entry, journey }) => journey.id === id || entry.file === id || entry.file === `${id}.yaml`,
  );
  return found?.journey;
}

export function catalogJourney(id: string): JourneyDefinition {
  const journey = findCatalogJourney(id);
  if (!journey) {
    const ids = catalog().map(({ journey: j }) => j.id);
    throw notFound(`no catalog journey ${id}; the catalog has ${ids.join(', ')}`);
  }
  return journey;
}

/** A parse result as a journey, or a 400 whose details are the issues, each `{ path, message }`. */
export function journeyOrThrow(result: JourneyParseResult, where = 'journey'): JourneyDefinition {
  if (result.ok) return result.journey;
  throw invalidInput(`${where} is not valid: ${formatJourneyIssues(result.issues)}`, result.issues);
}

export interface JourneySource {
  readonly journey?: unknown;
  readonly catalogId?: string;
  readonly source?: string;
}

/** Exactly one of `journey` (a definition object), `catalogId` or `source` (JSON or YAML text). */
export function resolveJourney(input: JourneySource): JourneyDefinition {
  const given = (['journey', 'catalogId', 'source'] as const).filter((key) => input[key] !== undefined);
  if (given.length !== 1) throw invalidInput('give exactly one of journey, catalogId or source');
  if (input.catalogId !== undefined) return catalogJourney(input.catalogId);
  if (input.source !== undefined) return journeyOrThrow(parseJourneyText(input.source), 'source');
  return journeyOrThrow(parseJourney(input.journey));
}
