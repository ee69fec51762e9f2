import { readdirSync, readFileSync } from 'node:fs';
import type { TemplateStore } from '../storage/template-store.ts';
import { formatTemplateIssues, parseTemplateText, type TemplateDefinition } from './template-schema.ts';

/**
 * The templates the catalog journeys send (`cart_reminder`, `onboarding_welcome`…), in English and
 * Simplified Chinese, one YAML file each. A workspace renders these until it stores a template of
 * the same id, so an installed catalog journey sends real messages from the start.
 */

const DIR = new URL('./catalog/', import.meta.url);
let loaded: Map<string, TemplateDefinition> | undefined;

/** A shipped file that does not validate is a bug in Godwit, not a user error: it throws. */
function catalog(): Map<string, TemplateDefinition> {
  if (loaded) return loaded;
  const templates = new Map<string, TemplateDefinition>();
  for (const file of readdirSync(DIR)
    .filter((name) => name.endsWith('.yaml'))
    .sort()) {
    const result = parseTemplateText(readFileSync(new URL(file, DIR), 'utf8'));
    if (!result.ok) throw new Error(`templates/catalog/${file}: ${formatTemplateIssues(result.issues)}`);
    templates.set(result.template.id, result.template);
  }
  loaded = templates;
  return templates;
}

export function catalogTemplate(id: string): TemplateDefinition | undefined {
  return catalog().get(id);
}

/** The template as a send renders it: the workspace's latest version, else the built-in one. */
export async function renderedTemplate(
  store: Pick<TemplateStore, 'getTemplateVersion'>,
  workspaceId: string,
  id: string,
): Promise<TemplateDefinition | undefined> {
  return (await store.getTemplateVersion(workspaceId, id))?.definition ?? catalogTemplate(id);
}

/** The channels a template has content for. */
export function channelsWithContent(definition: TemplateDefinition | undefined): string[] {
  return Object.entries(definition?.channels ?? {}).flatMap(([channel, content]) => (content ? [channel] : []));
}

export function catalogTemplates(): TemplateDefinition[] {
  return [...catalog().values()];
}

/** The folder of the shipped YAML files, for `godwit templates apply`. */
export const CATALOG_TEMPLATE_DIR = DIR;
