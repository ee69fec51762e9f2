import type { SegmentDefinition } from '../segments/segment-schema.ts';
import type { Clock } from '../shared/clock.ts';
import { GodwitError, invalidInput, notFound } from '../shared/errors.ts';
import type { JourneyRecord, JourneyStatus, JourneyStore, JourneyVersionRecord } from '../storage/journey-store.ts';
import { InProcessLocks, type NamedLocks } from '../storage/named-locks.ts';
import { catalogSegmentsFor } from './catalog/journey-catalog.ts';
import { catalogJourney } from './journey-input.ts';
import {
  blockingReferences,
  describeMissing,
  type JourneyReference,
  missingLines,
  missingReferences,
  type ReferenceLookup,
} from './journey-references.ts';
import { type JourneyRequirements, missingRequirements, requirementWarnings } from './journey-requirements.ts';
import type { JourneyDefinition } from './journey-schema.ts';
import { archivedConflict, checkNewStatus, checkStatusChange, statusAfterUpdate } from './journey-status.ts';
import { sameDefinition } from './journey-yaml.ts';
import { refuseWhileUsed } from './reference-users.ts';

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

/** What a saved journey names that the workspace lacks: it cannot go live until they exist. */
export interface ReferenceWarnings {
  readonly missingReferences: readonly JourneyReference[];
  /** The same, one line each: `nodes.welcome.template: no template welcome_email in this workspace`. */
  readonly warnings: readonly string[];
}

export interface JourneyUpdate extends ReferenceWarnings {
  readonly journey: JourneyDetail;
  readonly changed: boolean;
  readonly previous: { readonly version: number; readonly status: JourneyStatus };
}

export interface JourneyInstall {
  readonly journey: JourneyDetail;
  /** Required events and traits the workspace has not shown yet. */
  readonly missing: JourneyRequirements;
  readonly missingReferences: readonly JourneyReference[];
  /** The segments the catalog ships for this journey that the workspace lacked, created by the install. */
  readonly createdSegments: readonly string[];
  /** All that is missing in words, and why it stayed a draft if it was asked to go live. */
  readonly warnings: readonly string[];
}

export interface JourneyServiceOptions {
  journeys: JourneyStore;
  clock: Clock;
  /** Called after every change, so the runtime can reload the live journeys. */
  onChange?: () => void;
  /** Where templates and segments a journey names are looked up; without it they are not checked. */
  references?: ReferenceLookup;
  /** Creates a segment a catalog journey ships, unless the workspace has one of that id: true if it did. */
  addSegment?: (workspaceId: string, segment: SegmentDefinition) => Promise<boolean>;
  /**
   * The store's locks, so that changes and reference checks hold across every process on the store
   * (`store.locks`); without them, across this process only.
   */
  locks?: NamedLocks;
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
  private readonly addSegment: JourneyServiceOptions['addSegment'];
  private readonly locks: NamedLocks;

  constructor(options: JourneyServiceOptions) {
    this.journeys = options.journeys;
    this.clock = options.clock;
    this.onChange = options.onChange ?? (() => {});
    this.references = options.references;
    this.addSegment = options.addSegment;
    this.locks = options.locks ?? new InProcessLocks();
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
    if (plan.action !== 'unchanged') refuseMissing(plan, await this.missingFor(workspaceId, plan.definition));
    return plan;
  }

  /**
   * Deletes a template or segment through `remove` unless anything still uses it (`refuseWhileUsed`). Serial with
   * the workspace's journey changes in every process, so none goes live on it between the check and the delete.
   */
  deleteUnlessUsed(
    workspaceId: string,
    kind: JourneyReference['kind'],
    id: string,
    remove: () => Promise<void>,
  ): Promise<void> {
    return this.serially(workspaceId, async () => {
      await refuseWhileUsed(this.journeys, workspaceId, { kind, id });
      return remove();
    });
  }

  /** Saves a template edit through `save` unless a send still needs the channels' content it drops; serial like deletes. */
  dropChannelsUnlessUsed<T>(
    workspaceId: string,
    templateId: string,
    dropped: () => Promise<readonly string[]>,
    save: () => Promise<T>,
  ): Promise<T> {
    return this.serially(workspaceId, async () => {
      const channels = await dropped();
      if (channels.length > 0)
        await refuseWhileUsed(this.journeys, workspaceId, { kind: 'template', id: templateId, channels });
      return save();
    });
  }

  /**
   * Creates the journey, or updates it when the id exists: what `journeys apply` does per file. Unlike
   * `create` it takes any status, so an exported paused or archived journey comes back as it was.
   */
  apply(workspaceId: string, definition: JourneyDefinition): Promise<JourneyUpdate & { created: boolean }> {
    return this.serially(workspaceId, async () => {
      const plan = await this.planOf(workspaceId, definition);
      if (plan.action === 'create') return { ...(await this.write(workspaceId, plan)), created: true };
      return { ...(await this.write(workspaceId, plan)), created: false };
    });
  }

  /** Stores version 1, draft (the default) or live; a 409 if the id exists. */
  create(workspaceId: string, definition: JourneyDefinition): Promise<JourneyUpdate> {
    return this.serially(workspaceId, () => this.createKnowing(workspaceId, definition));
  }

  async update(workspaceId: string, id: string, definition: JourneyDefinition): Promise<JourneyUpdate> {
    if (definition.id !== id) {
      throw invalidInput(`the definition is journey ${definition.id}, not ${id}; ids do not change`);
    }
    return this.serially(workspaceId, async () => {
      const plan = planUpdate(await this.get(workspaceId, id), definition);
      return this.write(workspaceId, plan);
    });
  }

  setStatus(workspaceId: string, id: string, status: JourneyStatus): Promise<JourneyUpdate> {
    return this.serially(workspaceId, async () => {
      const current = await this.get(workspaceId, id);
      checkStatusChange(id, current.status, status);
      if (current.status === status) return this.write(workspaceId, { action: 'unchanged', current });
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
   * Installs a catalog journey, first creating the segments it ships that the workspace lacks (an
   * existing one is never replaced), and says which events and traits it needs that the workspace has
   * not shown yet. With anything missing it stays a draft even when asked to go live.
   */
  async install(
    workspaceId: string,
    catalogId: string,
    options: { status?: JourneyStatus } = {},
  ): Promise<JourneyInstall> {
    const definition = catalogJourney(catalogId);
    const asked = options.status ?? 'draft';
    // Refused before the segments are added, so a failed install leaves nothing behind.
    checkNewStatus(definition.id, asked);
    const missing = missingRequirements(definition, await this.journeys.seenNames(workspaceId, SEEN_SCAN));
    // Locked from adding the segments to saving the journey: none it adds or finds is deleted in between.
    return this.serially(workspaceId, async () => {
      if (await this.find(workspaceId, definition.id)) throw alreadyExists(definition.id);
      const createdSegments = await this.addCatalogSegments(workspaceId, definition);
      const references = await this.missingFor(workspaceId, definition);
      const warnings = [...requirementWarnings(missing), ...missingLines(references)];
      let status = asked;
      if (warnings.length > 0 && status === 'live') {
        status = 'draft';
        warnings.push('installed as a draft rather than live: make it live once that data arrives');
      }
      const created = await this.createKnowing(workspaceId, { ...definition, version: 1, status }, references);
      return { journey: created.journey, missing, createdSegments, missingReferences: references, warnings };
    });
  }

  /** `create` (under the workspace's lock), with the missing references when the caller has just looked them up. */
  private async createKnowing(
    workspaceId: string,
    definition: JourneyDefinition,
    missing?: readonly JourneyReference[],
  ): Promise<JourneyUpdate> {
    const plan = await this.planOf(workspaceId, definition);
    if (plan.action !== 'create') throw alreadyExists(definition.id);
    // Paused and archived are reached by having been live; only `apply` recreates them, from an export.
    checkNewStatus(definition.id, definition.status);
    return this.write(workspaceId, plan, missing);
  }

  private async addCatalogSegments(workspaceId: string, journey: JourneyDefinition): Promise<string[]> {
    const created: string[] = [];
    for (const segment of catalogSegmentsFor(journey)) {
      if (await this.addSegment?.(workspaceId, segment)) created.push(segment.id);
    }
    return created;
  }

  private async planOf(workspaceId: string, definition: JourneyDefinition): Promise<JourneyPlan> {
    const current = await this.find(workspaceId, definition.id);
    if (!current) {
      checkNewId(definition.id);
      return { action: 'create', definition };
    }
    return planUpdate(current, definition);
  }

  private async missingFor(workspaceId: string, definition: JourneyDefinition): Promise<JourneyReference[]> {
    return this.references ? missingReferences(this.references, workspaceId, definition) : [];
  }

  /** Looks the journey's references up once: they may refuse the change, and are its warnings otherwise. */
  private async write(
    workspaceId: string,
    plan: JourneyPlan,
    known?: readonly JourneyReference[],
  ): Promise<JourneyUpdate> {
    const saved = plan.action === 'unchanged' ? plan.current.definition : plan.definition;
    const missing = known ?? (await this.missingFor(workspaceId, saved));
    const notes: ReferenceWarnings = { missingReferences: missing, warnings: missingLines(missing) };
    if (plan.action === 'unchanged') return { ...unchanged(plan.current), ...notes };
    refuseMissing(plan, missing);
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
    return { journey: await this.get(workspaceId, definition.id), changed: true, previous, ...notes };
  }

  /**
   * One change or reference check of a workspace at a time, in every process on the store: two updates
   * never take the same version number, and no template or segment a live journey names is deleted
   * between one's check and the other's write (nor the other way round).
   */
  private serially<T>(workspaceId: string, work: () => Promise<T>): Promise<T> {
    return this.locks.withLock(`journeys:${workspaceId}`, work);
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

/** A live journey would run straight into a template or segment that does not exist: a 409 naming each. */
function refuseMissing(plan: Exclude<JourneyPlan, { action: 'unchanged' }>, missing: readonly JourneyReference[]) {
  const from = plan.action === 'update' ? plan.current : undefined;
  const blocking = blockingReferences({ from, to: plan.definition }, missing);
  if (blocking.length === 0) return;
  const { id } = plan.definition;
  const lines = missingLines(blocking).join('; ');
  throw new GodwitError('conflict', `journey ${id} cannot be live: ${lines}`, describeMissing(blocking));
}

function alreadyExists(id: string): GodwitError {
  return new GodwitError('conflict', `journey ${id} already exists; update it instead`);
}

function checkNewId(id: string): void {
  if (RESERVED_IDS.has(id)) {
    throw invalidInput(`id: ${id} is reserved (it names another /v1/journeys call); choose another id`);
  }
}

function unchanged(current: JourneyDetail): Omit<JourneyUpdate, keyof ReferenceWarnings> {
  return { journey: current, changed: false, previous: { version: current.latestVersion, status: current.status } };
}

function versionTime(current: JourneyDetail): number {
  return current.versions.find((v) => v.version === current.latestVersion)?.createdAt ?? current.createdAt;
}

function summaryOf(record: JourneyRecord): JourneySummary {
  const { workspaceId: _workspaceId, ...summary } = record;
  return summary;
}
