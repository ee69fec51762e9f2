import { isDeepStrictEqual } from 'node:util';
import type { Clock } from '../shared/clock.ts';
import { GodwitError, invalidInput, notFound } from '../shared/errors.ts';
import type { TemplateRecord, TemplateStore } from '../storage/template-store.ts';
import { catalogTemplate, catalogTemplates, channelsWithContent, renderedTemplate } from './template-catalog.ts';
import type { TemplateDefinition } from './template-schema.ts';

/**
 * The one place that changes templates. Every change of definition is a new version; saving the
 * same definition changes nothing. A workspace without a template of some id uses the catalog's.
 */

export interface TemplateSummary {
  readonly id: string;
  readonly name: string;
  readonly latestVersion: number;
  /** True for a catalog template the workspace has not stored (read-only until applied). */
  readonly builtin: boolean;
  readonly createdAt: number | null;
  readonly updatedAt: number | null;
}

export interface TemplateDetail extends TemplateSummary {
  readonly definition: TemplateDefinition;
  readonly versions: readonly { readonly version: number; readonly createdAt: number }[];
}

export interface TemplateChange {
  readonly template: TemplateDetail;
  readonly created: boolean;
  readonly changed: boolean;
  readonly previousVersion: number;
}

/**
 * How long a rendering reuses the definition it last read: a delivery slice renders hundreds of
 * messages with a handful of templates. Saves through this service take effect at once; a save by
 * another process within this long.
 */
const DEFINITION_REUSE_MS = 1_000;

export class TemplateService {
  private writes: Promise<unknown> = Promise.resolve();
  private readonly recent = new Map<string, { readAt: number; definition: Promise<TemplateDefinition | undefined> }>();

  constructor(
    private readonly options: {
      templates: TemplateStore;
      clock: Clock;
      /** Runs `remove` unless journeys send the template (a 409): its deletion would leave them sending nothing. */
      deleteUnlessUsed?: (workspaceId: string, templateId: string, remove: () => Promise<void>) => Promise<void>;
      /**
       * Runs `save` unless journeys send the template on channels whose content it drops (a 409); `dropped` is
       * asked under the same lock as the check, so two edits at once cannot each drop what the other checked.
       */
      dropChannelsUnlessUsed?: <T>(
        workspaceId: string,
        templateId: string,
        dropped: () => Promise<readonly string[]>,
        save: () => Promise<T>,
      ) => Promise<T>;
    },
  ) {}

  now(): number {
    return this.options.clock.now();
  }

  private get store(): TemplateStore {
    return this.options.templates;
  }

  /** Stored templates, then the catalog templates the workspace has not stored. */
  async list(workspaceId: string): Promise<TemplateSummary[]> {
    const stored = (await this.store.listTemplates(workspaceId)).map((r) => summaryOf(r));
    const ids = new Set(stored.map((s) => s.id));
    const builtin = catalogTemplates()
      .filter((t) => !ids.has(t.id))
      .map((t) => builtinOf(t));
    return [...stored, ...builtin];
  }

  async get(workspaceId: string, id: string): Promise<TemplateDetail> {
    const record = await this.store.getTemplate(workspaceId, id);
    if (!record) {
      const builtin = catalogTemplate(id);
      if (!builtin) throw notFound(`no template ${id}`);
      return { ...builtinOf(builtin), definition: builtin, versions: [] };
    }
    const latest = await this.store.getTemplateVersion(workspaceId, id, record.latestVersion);
    if (!latest) throw new Error(`template ${id} has no version ${record.latestVersion}`);
    const versions = await this.store.listTemplateVersions(workspaceId, id);
    return { ...summaryOf(record), definition: latest.definition, versions };
  }

  /** What messages render with: the stored latest version, else the catalog's; undefined if neither. */
  definitionFor(workspaceId: string, id: string): Promise<TemplateDefinition | undefined> {
    const key = keyOf(workspaceId, id);
    const now = performance.now();
    const hit = this.recent.get(key);
    if (hit && now - hit.readAt < DEFINITION_REUSE_MS) return hit.definition;
    const definition = renderedTemplate(this.store, workspaceId, id);
    this.recent.set(key, { readAt: now, definition });
    definition.catch(() => this.recent.delete(key));
    return definition;
  }

  async version(workspaceId: string, id: string, version: number): Promise<TemplateDefinition> {
    const found = await this.store.getTemplateVersion(workspaceId, id, version);
    if (!found) throw notFound(`template ${id} has no version ${version}`);
    return found.definition;
  }

  /** Version 1 of a new template; a 409 if the workspace has one of that id. */
  async create(workspaceId: string, definition: TemplateDefinition): Promise<TemplateDetail> {
    return this.serially(async () => {
      if (await this.store.getTemplate(workspaceId, definition.id)) {
        throw new GodwitError('conflict', `template ${definition.id} already exists; update it instead`);
      }
      return (await this.write(workspaceId, definition)).template;
    });
  }

  async update(workspaceId: string, id: string, definition: TemplateDefinition): Promise<TemplateChange> {
    if (definition.id !== id)
      throw invalidInput(`the definition is template ${definition.id}, not ${id}; ids do not change`);
    return this.serially(async () => {
      // A built-in is customised by storing the workspace's own version, which then takes its place.
      if (!(await this.store.getTemplate(workspaceId, id)) && !catalogTemplate(id)) throw notFound(`no template ${id}`);
      return this.writeUnlessDropping(workspaceId, definition);
    });
  }

  /** Creates or updates: what `godwit templates apply` does per file. */
  apply(workspaceId: string, definition: TemplateDefinition): Promise<TemplateChange> {
    return this.serially(() => this.writeUnlessDropping(workspaceId, definition));
  }

  /** `write`, refused while journeys still send on a channel whose content the new version no longer has. */
  private writeUnlessDropping(workspaceId: string, definition: TemplateDefinition): Promise<TemplateChange> {
    return this.unlessDropping(workspaceId, definition.id, definition, () => this.write(workspaceId, definition));
  }

  /** `change` (to `after`: a new version, or the built-in back), unless a send still needs content it drops. */
  private unlessDropping<T>(
    workspaceId: string,
    id: string,
    after: TemplateDefinition | undefined,
    change: () => Promise<T>,
  ): Promise<T> {
    const { dropChannelsUnlessUsed } = this.options;
    if (!dropChannelsUnlessUsed) return change();
    const dropped = async () => {
      const keeps = channelsWithContent(after);
      return channelsWithContent(await renderedTemplate(this.store, workspaceId, id)).filter((c) => !keeps.includes(c));
    };
    return dropChannelsUnlessUsed(workspaceId, id, dropped, change);
  }

  /**
   * Removes the workspace's template; a 409 for a built-in, and while a journey sends it. Removing
   * the workspace's version of a built-in is always allowed: the built-in takes its place again.
   */
  async delete(workspaceId: string, id: string): Promise<void> {
    const builtin = catalogTemplate(id) !== undefined;
    if (!(await this.store.getTemplate(workspaceId, id))) {
      if (builtin) throw new GodwitError('conflict', `template ${id} is built in and cannot be deleted`);
      throw notFound(`no template ${id}`);
    }
    const remove = async () => {
      if (!(await this.store.deleteTemplate(workspaceId, id))) throw notFound(`no template ${id}`);
      this.recent.delete(keyOf(workspaceId, id));
    };
    const { deleteUnlessUsed } = this.options;
    // The workspace's version of a built-in goes, and the built-in renders again: only content it lacks is dropped.
    if (builtin) return this.unlessDropping(workspaceId, id, catalogTemplate(id), remove);
    await (deleteUnlessUsed ? deleteUnlessUsed(workspaceId, id, remove) : remove());
  }

  private async write(workspaceId: string, definition: TemplateDefinition): Promise<TemplateChange> {
    const current = await this.store.getTemplate(workspaceId, definition.id);
    const latest = current && (await this.store.getTemplateVersion(workspaceId, definition.id, current.latestVersion));
    const previousVersion = current?.latestVersion ?? 0;
    if (current && latest && isDeepStrictEqual(latest.definition, definition)) {
      return { template: await this.get(workspaceId, definition.id), created: false, changed: false, previousVersion };
    }
    const now = this.options.clock.now();
    const version = previousVersion + 1;
    await this.store.saveTemplate(
      {
        workspaceId,
        id: definition.id,
        name: definition.name,
        latestVersion: version,
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
      },
      { workspaceId, templateId: definition.id, version, definition, createdAt: now },
    );
    this.recent.delete(keyOf(workspaceId, definition.id));
    const template = await this.get(workspaceId, definition.id);
    return { template, created: !current, changed: true, previousVersion };
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work);
    this.writes = result.catch(() => undefined);
    return result;
  }
}

const keyOf = (workspaceId: string, id: string) => `${workspaceId}\u0000${id}`;

function summaryOf(record: TemplateRecord): TemplateSummary {
  const { id, name, latestVersion, createdAt, updatedAt } = record;
  return { id, name, latestVersion, builtin: false, createdAt, updatedAt };
}

function builtinOf(template: TemplateDefinition): TemplateSummary {
  return { id: template.id, name: template.name, latestVersion: 0, builtin: true, createdAt: null, updatedAt: null };
}
