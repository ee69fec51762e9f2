import type { Clock } from '../shared/clock.ts';
import { GodwitError, invalidInput, notFound } from '../shared/errors.ts';
import type { JourneyRecord, JourneyStatus, JourneyStore, JourneyVersionRecord } from '../storage/journey-store.ts';
import { catalogJourney } from './journey-input.ts';
import {
  describeMissing,
  missingLines,
  missingReferences,
  type ReferenceLookup,
  referencesOf,
} from './journey-references.ts';
import { type JourneyRequirements, missingRequirements } from './journey-requirements.ts';
import type { JourneyDefinition } from './journey-schema.ts';
import { archivedConflict, checkNewStatus, checkStatusChange, statusAfterUpdate } from './journey-status.ts';
import { sameDefinition } from './journey-yaml.ts';

/**
 * The one place that changes journeys: create, update (a new version once a journey has been live),
 * status changes and catalog installs. Definitions come in validated; versions are assigned here.
 */

export interface JourneySummary {
  readonly id: string;
  readonly name: string;
  readonly status: JourneyStatus;
  readonly latestVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface VersionSummary {
  readonly version: number;
  readonly createdAt: number;
}

export interface JourneyDetail extends JourneySummary {
  /** The latest version, carrying its `version` and the journey's `status`. */
  readonly definition: JourneyDefinition;
  readonly versions: readonly VersionSummary[];
}

/** What applying a definition to a stored journey would do; `plan` works it out without writing. */
export type JourneyPlan =
  | { readonly action: 'create'; readonly definition: JourneyDefinition }
  | { readonly action: 'unchanged'; readonly current: JourneyDetail }
  | {
      readonly action: 'update';
      readonly current: JourneyDetail;
      /** As it will be stored: its version and status assigned. */
      readonly definition: JourneyDefinition;
      /** False when a draft is replaced in place or only the status changes. */
      readonly newVersion: boolean;
      readonly definitionChanged: boolean;
    };

export interface JourneyUpdate {
  readonly journey: JourneyDetail;
  readonly changed: boolean;
  readonly previous: { readonly version: number; readonly status: JourneyStatus };
}

export interface JourneyInstall {
  readonly journey: JourneyDetail;
  /** Required events and traits the workspace has not shown yet. */
  readonly missing: JourneyRequirements;
  readonly warnings: readonly string[];
}

export interface JourneyServiceOptions {
  journeys: JourneyStore;
  clock: Clock;
  /** Called after every change, so the runtime can reload the live journeys. */
  onChange?: () => void;
  /** Where templates and segments a journey names are looked up; without it they are not checked. */
  references?: ReferenceLookup;
}

/** These would be unreachable as `/v1/journeys/<id>`: the paths belong to other calls. */
const RESERVED_IDS = new Set(['catalog', 'validate', 'simulate']);
/** How far an install looks for the data a journey needs. */
const SEEN_SCAN = { events: 50_000, customers: 2_000 };

export class JourneyService {
  private readonly journeys: JourneyStore;
  private readonly clock: Clock;
  private readonly onChange: () => void;
  private readonly references: ReferenceLookup | undefined;
  /** Changes in this process one at a time, so two updates never take the same version number. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(options: JourneyServiceOptions) {
    this.journeys = options.journeys;
    this.clock = options.clock;
    this.onChange = options.onChange ?? (() => {});
    this.references = options.references;
  }

  async list(workspaceId: string, filter: { status?: JourneyStatus } = {}): Promise<JourneySummary[]> {
    const records = await this.journeys.listJourneys(workspaceId);
    return records.filter((r) => !filter.status || r.status === filter.status).map(summaryOf);
  }

  async get(workspaceId: string, id: string): Promise<JourneyDetail> {
    const found = await this.find(workspaceId, id);
    if (!found) throw notFound(`no journey ${id}`);
    return found;
  }

  async find(workspaceId: string, id: string): Promise<JourneyDetail | undefined> {
    const record = await this.journeys.getJourney(workspaceId, id);
    if (!record) return undefined;
    const versions = await this.journeys.listVersions(workspaceId, id);
    const latest = versions.find((v) => v.version === record.latestVersion);
    if (!latest) throw new Error(`journey ${id} has no version ${record.latestVersion}`);
    return {
      ...summaryOf(record),
      definition: { ...latest.definition, status: record.status },
      versions: versions.map(({ version, createdAt }) => ({ version, createdAt })),
    };
  }

  async versions(workspaceId: string, id: string): Promise<VersionSummary[]> {
    return [...(await this.get(workspaceId, id)).versions];
  }

  async version(workspaceId: string, id: string, version: number): Promise<JourneyVersionRecord> {
    const found = await this.journeys.getVersion(workspaceId, id, version);
    if (found) return found;
    await this.get(workspaceId, id);
    throw notFound(`journey ${id} has no version ${version}`);
  }

  /** What `apply` would do with this definition: create, update or nothing. Throws what `apply` would. */
  async plan(workspaceId: string, definition: JourneyDefinition): Promise<JourneyPlan> {
    const plan = await this.planOf(workspaceId, definition);
    await this.checkReferences(workspaceId, plan);
    return plan;
  }

  /**
   * The templates and segments a draft names that the workspace does not have, as warnings: a draft
   * may be saved before them, but it cannot go live until they exist.
   */
  async referenceWarnings(workspaceId: string, definition: JourneyDefinition): Promise<string[]> {
    if (!this.references) return [];
    return missingLines(await missingReferences(this.references, workspaceId, definition));
  }

  /** The live journeys of the workspace that name segment `segmentId` (as trigger or in a condition). */
  async liveJourneysUsingSegment(workspaceId: string, segmentId: string): Promise<string[]> {
    const live = (await this.journeys.listJourneys(workspaceId)).filter((j) => j.status === 'live');
    const versions = await Promise.all(live.map((j) => this.journeys.getVersion(workspaceId, j.id, j.latestVersion)));
    const uses = (definition: JourneyDefinition) =>
      referencesOf(definition).some((ref) => ref.kind === 'segment' && ref.id === segmentId);
    return versions.flatMap((v) => (v && uses(v.definition) ? [v.journeyId] : []));
  }

  /** Creates the journey, or updates it when the id exists: what `journeys apply` does per file. */
  apply(workspaceId: string, definition: JourneyDefinition): Promise<JourneyUpdate & { created: boolean }> {
    return this.serially(async () => {
      const plan = await this.planOf(workspaceId, definition);
      if (plan.action === 'create') return { ...(await this.write(workspaceId, plan)), created: true };
      return { ...(await this.write(workspaceId, plan)), created: false };
    });
  }

  /** Stores version 1 with the definition's status (draft unless it says otherwise); a 409 if the id exists. */
  create(workspaceId: string, definition: JourneyDefinition): Promise<JourneyDetail> {
    return this.serially(async () => {
      const plan = await this.planOf(workspaceId, definition);
      if (plan.action !== 'create') {
        throw new GodwitError('conflict', `journey ${definition.id} already exists; update it instead`);
      }
      return (await this.write(workspaceId, plan)).journey;
    });
  }

  async update(workspaceId: string, id: string, definition: JourneyDefinition): Promise<JourneyUpdate> {
    if (definition.id !== id) {
      throw invalidInput(`the definition is journey ${definition.id}, not ${id}; ids do not change`);
    }
    return this.serially(async () => {
      const plan = planUpdate(await this.get(workspaceId, id), definition);
      return this.write(workspaceId, plan);
    });
  }

  setStatus(workspaceId: string, id: string, status: JourneyStatus): Promise<JourneyUpdate> {
    return this.serially(async () => {
      const current = await this.get(workspaceId, id);
      checkStatusChange(id, current.status, status);
      if (current.status === status) return unchanged(current);
      return this.write(workspaceId, {
        action: 'update',
        current,
        definition: { ...current.definition, status },
        newVersion: false,
        definitionChanged: false,
      });
    });
  }

  /**
   * Installs a catalog journey and says which events and traits it needs that the workspace has not
   * shown yet. With anything missing it stays a draft even when asked to go live.
   */
  async install(
    workspaceId: string,
    catalogId: string,
    options: { status?: JourneyStatus } = {},
  ): Promise<JourneyInstall> {
    const definition = catalogJourney(catalogId);
    const missing = missingRequirements(definition, await this.journeys.seenNames(workspaceId, SEEN_SCAN));
    const warnings: string[] = [];
    if (missing.events.length > 0)
      warnings.push(`the workspace has not sent these events yet: ${list(missing.events)}`);
    if (missing.traits.length > 0) warnings.push(`no customer has these traits yet: ${list(missing.traits)}`);
    warnings.push(...(await this.referenceWarnings(workspaceId, definition)));
    let status = options.status ?? 'draft';
    if (warnings.length > 0 && status === 'live') {
      status = 'draft';
      warnings.push('installed as a draft rather than live: make it live once that data arrives');
    }
    const journey = await this.create(workspaceId, { ...definition, version: 1, status });
    return { journey, missing, warnings };
  }

  private async planOf(workspaceId: string, definition: JourneyDefinition): Promise<JourneyPlan> {
    const current = await this.find(workspaceId, definition.id);
    if (!current) {
      checkNewId(definition.id);
      checkNewStatus(definition.id, definition.status);
      return { action: 'create', definition };
    }
    return planUpdate(current, definition);
  }

  /** A live journey runs straight into a template or segment that does not exist: a 409 naming each. */
  private async checkReferences(workspaceId: string, plan: JourneyPlan): Promise<void> {
    if (plan.action === 'unchanged' || plan.definition.status !== 'live' || !this.references) return;
    const missing = await missingReferences(this.references, workspaceId, plan.definition);
    if (missing.length === 0) return;
    const { id } = plan.definition;
    const lines = missingLines(missing).join('; ');
    throw new GodwitError('conflict', `journey ${id} cannot be live: ${lines}`, describeMissing(missing));
  }

  private async write(workspaceId: string, plan: JourneyPlan): Promise<JourneyUpdate> {
    if (plan.action === 'unchanged') return unchanged(plan.current);
    await this.checkReferences(workspaceId, plan);
    const now = this.clock.now();
    const { definition } = plan;
    const version = plan.action === 'create' ? 1 : plan.definition.version;
    const record: JourneyRecord = {
      workspaceId,
      id: definition.id,
      name: definition.name,
      status: definition.status,
      latestVersion: version,
      createdAt: plan.action === 'create' ? now : plan.current.createdAt,
      updatedAt: now,
    };
    const createdAt = plan.action === 'update' && !plan.newVersion ? versionTime(plan.current) : now;
    await this.journeys.saveJourney(record, {
      workspaceId,
      journeyId: definition.id,
      version,
      definition: { ...definition, version },
      createdAt,
    });
    this.onChange();
    const previous =
      plan.action === 'create'
        ? { version: 0, status: record.status }
        : { version: plan.current.latestVersion, status: plan.current.status };
    return { journey: await this.get(workspaceId, definition.id), changed: true, previous };
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work);
    this.writes = result.catch(() => undefined);
    return result;
  }
}

function planUpdate(current: JourneyDetail, definition: JourneyDefinition): JourneyPlan {
  const status = statusAfterUpdate(current.status, definition.status);
  const definitionChanged = !sameDefinition(current.definition, definition);
  if (!definitionChanged && status === current.status) return { action: 'unchanged', current };
  if (current.status === 'archived') throw archivedConflict(current.id);
  checkStatusChange(current.id, current.status, status);
  // A journey that has never been live has no runs on its draft: edit it in place.
  const newVersion = definitionChanged && current.status !== 'draft';
  const version = newVersion ? current.latestVersion + 1 : current.latestVersion;
  return {
    action: 'update',
    current,
    definition: { ...(definitionChanged ? definition : current.definition), version, status },
    newVersion,
    definitionChanged,
  };
}

function checkNewId(id: string): void {
  if (RESERVED_IDS.has(id)) {
    throw invalidInput(`id: ${id} is reserved (it names another /v1/journeys call); choose another id`);
  }
}

function unchanged(current: JourneyDetail): JourneyUpdate {
  return { journey: current, changed: false, previous: { version: current.latestVersion, status: current.status } };
}

function versionTime(current: JourneyDetail): number {
  return current.versions.find((v) => v.version === current.latestVersion)?.createdAt ?? current.createdAt;
}

function summaryOf(record: JourneyRecord): JourneySummary {
  const { workspaceId: _workspaceId, ...summary } = record;
  return summary;
}

const list = (names: readonly string[]) => names.join(', ');
