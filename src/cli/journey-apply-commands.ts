import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatJourneyIssues, type JourneyDefinition, parseJourneyText } from '../journeys/journey-schema.ts';
import type { JourneyPlan, JourneyService } from '../journeys/journey-service.ts';
import { NEW_JOURNEY_STATUSES } from '../journeys/journey-status.ts';
import { journeyYaml } from '../journeys/journey-yaml.ts';
import { GodwitError, invalidInput } from '../shared/errors.ts';
import { lineDiff } from '../shared/line-diff.ts';
import type { JourneyStatus } from '../storage/journey-store.ts';
import { type Flags, withGodwit, workspaceOf } from './commands.ts';
import { definitionFilesIn } from './definition-files.ts';

/**
 * `godwit journeys list|apply|export|install`: journeys as code. These open the store like the other
 * commands, so they work with the server running or not; a running server picks changes up within seconds.
 */

export const journeyApplyOptions = {
  status: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export const journeyApplyUsage = `  journeys list                       every journey with its status and latest version
  journeys apply <dir> [--dry-run]    create or update a journey per .yaml/.yml/.json file; all must be valid
  journeys export <dir>               write each journey's latest definition to <dir>/<id>.yaml
  journeys install <catalog-id> [--status draft|live]
                                      install a catalog journey; says which events and traits it lacks`;

const say = (line = '') => console.log(line);

export async function listJourneys(flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    const journeys = await godwit.journeys.list(await workspaceOf(godwit, flags));
    if (journeys.length === 0)
      return say('no journeys yet: godwit journeys apply <dir>, or install one from the catalog');
    const width = Math.max(...journeys.map((j) => j.id.length));
    for (const j of journeys) {
      const updated = new Date(j.updatedAt).toISOString().slice(0, 16).replace('T', ' ');
      say(`${j.id.padEnd(width)}  ${j.status.padEnd(8)}  v${String(j.latestVersion).padEnd(3)}  ${updated}  ${j.name}`);
    }
  });
}

interface JourneyFile {
  readonly file: string;
  readonly definition: JourneyDefinition;
}

/** Every file must be valid and every change allowed before anything is written. */
export async function applyJourneys(dir: string, flags: Flags): Promise<void> {
  const files = readJourneyFiles(dir);
  await withGodwit(async (godwit) => {
    const workspaceId = await workspaceOf(godwit, flags);
    const plans = await planAll(godwit.journeys, workspaceId, files);
    for (const [i, plan] of plans.entries()) {
      const { definition } = files[i] as JourneyFile;
      if (flags['dry-run']) {
        say(describePlan(plan, definition, plannedVersion(plan)));
        continue;
      }
      const result = await godwit.journeys.apply(workspaceId, definition);
      say(describePlan(plan, result.journey.definition, result.journey.latestVersion));
      for (const warning of result.warnings) say(`  warning: ${warning}`);
    }
    if (flags['dry-run']) say('(dry run: nothing was changed)');
  });
}

function readJourneyFiles(dir: string): JourneyFile[] {
  const problems: string[] = [];
  const files: JourneyFile[] = [];
  const seen = new Map<string, string>();
  for (const file of definitionFilesIn(dir)) {
    const result = parseJourneyText(readFileSync(file, 'utf8'));
    if (!result.ok) {
      problems.push(`${file}:`, ...result.issues.map((issue) => `  ${formatJourneyIssues([issue])}`));
      continue;
    }
    const other = seen.get(result.journey.id);
    if (other) problems.push(`${file}: journey ${result.journey.id} is also defined in ${other}`);
    seen.set(result.journey.id, file);
    files.push({ file, definition: result.journey });
  }
  if (problems.length > 0) throw refused(problems);
  return files;
}

async function planAll(service: JourneyService, workspaceId: string, files: readonly JourneyFile[]) {
  const plans: JourneyPlan[] = [];
  const problems: string[] = [];
  for (const { file, definition } of files) {
    try {
      plans.push(await service.plan(workspaceId, definition));
    } catch (error) {
      if (!(error instanceof GodwitError)) throw error;
      problems.push(`${file}: ${error.message}`);
    }
  }
  if (problems.length > 0) throw refused(problems);
  return plans;
}

function refused(problems: readonly string[]): GodwitError {
  return invalidInput(`nothing was applied:\n${problems.join('\n')}`);
}

function plannedVersion(plan: JourneyPlan): number {
  if (plan.action === 'create') return 1;
  return plan.action === 'update' ? plan.definition.version : plan.current.latestVersion;
}

/** One line per journey, then for an update the YAML lines it changes. */
export function describePlan(plan: JourneyPlan, definition: JourneyDefinition, version: number): string {
  const id = definition.id;
  if (plan.action === 'create') return `created    ${id} (v${version}, ${definition.status})`;
  if (plan.action === 'unchanged') return `unchanged  ${id} (v${plan.current.latestVersion}, ${plan.current.status})`;
  const { current } = plan;
  const what: string[] = [];
  if (plan.newVersion) what.push(`v${current.latestVersion} → v${version}`);
  else if (plan.definitionChanged) what.push(`v${version} edited in place`);
  if (definition.status !== current.status) what.push(`${current.status} → ${definition.status}`);
  const diff = lineDiff(
    journeyYaml(current.definition),
    journeyYaml({ ...definition, status: plan.definition.status }),
  );
  const indented = diff ? `\n${diff.replace(/^/gm, '    ')}` : '';
  return `updated    ${id} (${what.join(', ')})${indented}`;
}

export async function exportJourneys(dir: string, flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    const workspaceId = await workspaceOf(godwit, flags);
    const journeys = await godwit.journeys.list(workspaceId);
    mkdirSync(dir, { recursive: true });
    for (const { id } of journeys) {
      const journey = await godwit.journeys.get(workspaceId, id);
      const file = join(dir, `${id}.yaml`);
      writeFileSync(file, journeyYaml(journey.definition));
      say(`wrote ${file} (v${journey.latestVersion}, ${journey.status})`);
    }
    if (journeys.length === 0) say('no journeys to export');
  });
}

export async function installJourney(catalogId: string, flags: Flags): Promise<void> {
  const status = flags.status;
  if (status !== undefined && !(NEW_JOURNEY_STATUSES as readonly unknown[]).includes(status)) {
    throw invalidInput(`--status must be one of ${NEW_JOURNEY_STATUSES.join(', ')}`);
  }
  await withGodwit(async (godwit) => {
    const workspaceId = await workspaceOf(godwit, flags);
    const installed = await godwit.journeys.install(workspaceId, catalogId, { status: status as JourneyStatus });
    const { journey } = installed;
    say(`installed ${journey.id} (v${journey.latestVersion}, ${journey.status})`);
    for (const segment of installed.createdSegments) say(`  created segment ${segment}, which it starts on or reads`);
    // The warnings name each missing event and trait.
    for (const warning of installed.warnings) say(`  warning: ${warning}`);
    if (installed.warnings.length === 0) say('  the workspace has every event and trait it needs');
  });
}
