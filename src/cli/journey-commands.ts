import { existsSync } from 'node:fs';
import { simulateForCustomer, simulationParamsSchema } from '../journeys/customer-simulation.ts';
import { catalogJourney, journeyOrThrow } from '../journeys/journey-input.ts';
import { formatJourneyIssues, parseJourneyText } from '../journeys/journey-schema.ts';
import { type SimulationView, shortTime as when } from '../journeys/simulation-view.ts';
import { GodwitError, invalidInput } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { type Flags, withGodwit, workspaceOf } from './commands.ts';
import { readText } from './input-files.ts';

/** `godwit journeys validate|simulate`: the journey core from the command line; nothing is sent. */

/** The options these commands add to the CLI's parseArgs. */
export const journeyOptions = {
  customer: { type: 'string' },
  now: { type: 'string' },
  from: { type: 'string' },
  horizon: { type: 'string' },
  seed: { type: 'string' },
  trigger: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const journeyUsage = `  journeys validate <file>            check a journey (YAML or JSON); prints OK or each problem
  journeys simulate <file|catalog-id> --customer <id> [--now <ISO>] [--horizon 90d] [--seed n]
           [--from now|trigger] [--trigger '<json properties>'] [--json]
                                      what the journey would do for a customer; sends nothing`;

export function validateJourneyFile(file: string): void {
  const result = parseJourneyText(readText(file));
  if (result.ok) {
    const { id, version, nodes } = result.journey;
    console.log(`OK: ${file} is journey ${id} v${version} with ${Object.keys(nodes).length} nodes`);
    return;
  }
  console.log(`${file} is not a valid journey:`);
  for (const issue of result.issues) console.log(`  ${formatJourneyIssues([issue])}`);
  process.exitCode = 1;
}

export async function simulateJourney(target: string, flags: Flags): Promise<void> {
  if (typeof flags.customer !== 'string') throw invalidInput('--customer <id or identifier> is required');
  const definition = existsSync(target)
    ? journeyOrThrow(parseJourneyText(readText(target)), target)
    : catalogJourney(target);
  const params = parseInput(simulationParamsSchema, paramsOf(flags));
  const view = await withGodwit(async (godwit) =>
    simulateForCustomer({
      store: godwit.store,
      customers: godwit.customers,
      workspaceId: await workspaceOf(godwit, flags),
      customer: flags.customer as string,
      by: typeof flags.by === 'string' ? flags.by : undefined,
      definition,
      params,
      clockNow: Date.now(),
    }),
  );
  console.log(flags.json ? JSON.stringify(view, null, 2) : describeSimulation(view));
}

function paramsOf(flags: Flags): Record<string, unknown> {
  const seed = typeof flags.seed === 'string' ? Number(flags.seed) : undefined;
  let trigger: unknown;
  if (typeof flags.trigger === 'string') {
    try {
      trigger = { properties: JSON.parse(flags.trigger) };
    } catch {
      throw new GodwitError('invalid_input', '--trigger must be the event properties as JSON, e.g. \'{"total":120}\'');
    }
  }
  return { now: flags.now, from: flags.from, horizon: flags.horizon, seed, trigger };
}

/** The path as lines a person reads: time, node, what it does; then the outcome and any notes. */
export function describeSimulation(view: SimulationView): string {
  const lines = [`${view.journey.name} (${view.journey.id} v${view.journey.version}) for ${view.customer.id}`];
  if (view.trigger) {
    const { event, properties, at } = view.trigger;
    const what = `${event ?? 'its trigger'}${Object.keys(properties).length > 0 ? ` ${JSON.stringify(properties)}` : ''}`;
    lines.push(`  started by ${what} at ${when(at)}`);
  }
  const width = Math.max(4, ...view.path.map((step) => step.nodeId.length));
  for (const step of view.path) lines.push(`  ${when(step.at)}  ${step.nodeId.padEnd(width)}  ${step.what}`);
  if (view.status === 'finished') {
    lines.push(`  → ${view.outcome}${view.reason ? ` (${view.reason})` : ''} at ${when(view.endedAt)}`);
  } else if (view.status === 'waiting') {
    lines.push(`  → still waiting at the horizon, ${when(view.endedAt)}`);
  } else lines.push('  → not started');
  lines.push(`  ${countMessages(view.outcomes)}; nothing was sent`);
  for (const note of view.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

/** "2 message(s) would be sent (1 delayed), 1 suppressed", as the decisions say. */
function countMessages({ send, delay, suppress }: SimulationView['outcomes']): string {
  const sent = `${send + delay} message(s) would be sent${delay > 0 ? ` (${delay} delayed)` : ''}`;
  return suppress > 0 ? `${sent}, ${suppress} suppressed` : sent;
}
