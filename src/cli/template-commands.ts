import { readFileSync } from 'node:fs';
import { invalidInput } from '../shared/errors.ts';
import { previewTemplate } from '../templates/template-preview.ts';
import {
  formatTemplateIssues,
  parseTemplateText,
  TEMPLATE_CHANNELS,
  type TemplateChannel,
  type TemplateDefinition,
} from '../templates/template-schema.ts';
import { type Flags, withGodwit, workspaceOf } from './commands.ts';
import { definitionFilesIn } from './definition-files.ts';

/** `godwit templates list|apply|preview`: templates as code, and a look at one for a real customer. */

export const templateOptions = {
  channel: { type: 'string' },
  locale: { type: 'string' },
  data: { type: 'string' },
  event: { type: 'string' },
} as const;

export const templateUsage = `  templates list                      stored templates and the catalog's, with their latest version
  templates apply <dir>               create or update a template per .yaml/.yml/.json file; all must be valid
  templates preview <id> --customer <id> [--channel sms] [--locale zh-CN] [--data '{…}'] [--event '{…}']
                                      render a template for a real customer; sends nothing`;

const say = (line = '') => console.log(line);

export async function listTemplates(flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    const templates = await godwit.templates.list(await workspaceOf(godwit, flags));
    const width = Math.max(...templates.map((t) => t.id.length));
    for (const t of templates) {
      say(`${t.id.padEnd(width)}  ${t.builtin ? 'catalog' : `v${t.latestVersion}`.padEnd(7)}  ${t.name}`);
    }
  });
}

/** Every file must be valid before anything is written. */
export async function applyTemplates(dir: string, flags: Flags): Promise<void> {
  const definitions = readTemplateFiles(dir);
  await withGodwit(async (godwit) => {
    const workspaceId = await workspaceOf(godwit, flags);
    for (const definition of definitions) {
      const { template, created, changed, previousVersion } = await godwit.templates.apply(workspaceId, definition);
      const what = created ? 'created  ' : changed ? 'updated  ' : 'unchanged';
      const versions =
        changed && !created ? `v${previousVersion} → v${template.latestVersion}` : `v${template.latestVersion}`;
      say(`${what}  ${template.id} (${versions})`);
    }
  });
}

function readTemplateFiles(dir: string): TemplateDefinition[] {
  const problems: string[] = [];
  const definitions: TemplateDefinition[] = [];
  for (const file of definitionFilesIn(dir)) {
    const result = parseTemplateText(readFileSync(file, 'utf8'));
    if (result.ok) definitions.push(result.template);
    else problems.push(`${file}:`, ...result.issues.map((issue) => `  ${formatTemplateIssues([issue])}`));
  }
  if (problems.length > 0) throw invalidInput(`nothing was applied:\n${problems.join('\n')}`);
  return definitions;
}

export async function previewTemplateCommand(id: string, flags: Flags): Promise<void> {
  if (typeof flags.customer !== 'string') throw invalidInput('--customer <id or identifier> is required');
  const channel = flags.channel as TemplateChannel | undefined;
  if (channel !== undefined && !TEMPLATE_CHANNELS.includes(channel)) {
    throw invalidInput(`--channel must be one of ${TEMPLATE_CHANNELS.join(', ')}`);
  }
  await withGodwit(async (godwit) => {
    const workspaceId = await workspaceOf(godwit, flags);
    const preview = await previewTemplate(
      { templates: godwit.templates, customers: godwit.customers, store: godwit.store, now: godwit.templates.now() },
      workspaceId,
      {
        templateId: id,
        customer: flags.customer as string,
        channel,
        locale: typeof flags.locale === 'string' ? flags.locale : undefined,
        data: jsonFlag(flags.data, '--data'),
        event: jsonFlag(flags.event, '--event'),
      },
    );
    say(`${preview.template} for ${preview.customerId}`);
    for (const [name, rendered] of Object.entries(preview.channels)) {
      say();
      if (!rendered.ok) {
        say(`${name}: ERROR ${rendered.error}`);
        continue;
      }
      const segments = rendered.sms ? `, ${rendered.sms.segments} segment(s) ${rendered.sms.encoding}` : '';
      say(`${name} (${rendered.locale}${segments})`);
      for (const [field, value] of Object.entries(rendered.content as Record<string, unknown>)) {
        if (field === 'channel') continue;
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        say(`  ${field}: ${text.replace(/\n/g, '\n    ')}`);
      }
    }
  });
}

function jsonFlag<T>(value: unknown, name: string): T | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as T;
  } catch (error) {
    throw invalidInput(`${name} must be JSON: ${(error as Error).message}`);
  }
}
