import { parsePolicyText } from '../decisioning/policy-schema.ts';
import { type HoldoutReport, MAX_WINDOW_DAYS, windowEnding } from '../decisioning/runtime/holdout-report.ts';
import { PolicyService } from '../decisioning/runtime/policy-service.ts';
import { systemClock } from '../shared/clock.ts';
import { formatDefinitionIssues } from '../shared/definition-parsing.ts';
import { invalidInput } from '../shared/errors.ts';
import { type Flags, withGodwit, workspaceOf } from './commands.ts';
import { readText } from './input-files.ts';

export const policyUsage = `  policy show                         the workspace's communication policy (JSON; the default until one is applied)
  policy apply <file.yaml|json>       validate and apply a policy (quiet hours, caps, collisions, suppression, holdout)
  policy lift <event> [--days 30] [--json]
                                      the holdout's lift: how many more customers did <event> than the held-out ones`;

export const policyOptions = { days: { type: 'string' }, json: { type: 'boolean' } } as const;

export async function showPolicy(flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    const view = await new PolicyService({ store: godwit.store, clock: systemClock }).get(
      await workspaceOf(godwit, flags),
    );
    console.log(JSON.stringify(view, null, 2));
  });
}

export async function applyPolicy(file: string, flags: Flags): Promise<void> {
  const text = readText(file);
  const parsed = parsePolicyText(text);
  if (!parsed.ok) {
    const lines = parsed.issues.map((issue) => `  ${formatDefinitionIssues([issue])}`);
    throw invalidInput(`${file} is not a valid policy; nothing was applied:\n${lines.join('\n')}`);
  }
  await withGodwit(async (godwit) => {
    const service = new PolicyService({ store: godwit.store, clock: systemClock });
    const view = await service.put(await workspaceOf(godwit, flags), text);
    const { quietHours, caps, suppression } = view.policy;
    console.log(
      `policy applied: ${quietHours.length} quiet-hour rules, ${caps.length} caps, ${suppression.length} suppression rules${view.policy.holdout ? `, holdout ${view.policy.holdout.percent}%` : ''}`,
    );
  });
}

export async function showHoldoutLift(event: string, flags: Flags): Promise<void> {
  const days = flags.days === undefined ? undefined : Number(flags.days);
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_WINDOW_DAYS)) {
    throw invalidInput(`--days must be a whole number of days from 1 to ${MAX_WINDOW_DAYS}, not ${flags.days}`);
  }
  await withGodwit(async (godwit) => {
    const service = new PolicyService({ store: godwit.store, clock: systemClock });
    const window = windowEnding(systemClock.now(), days);
    const report = await service.holdoutLift(await workspaceOf(godwit, flags), { event, ...window });
    console.log(flags.json ? JSON.stringify(report, null, 2) : describeLift(report));
  });
}

const percent = (share: number | null, digits = 2) => (share === null ? 'n/a' : `${(share * 100).toFixed(digits)} %`);
const points = (share: number) => `${share >= 0 ? '+' : ''}${(share * 100).toFixed(2)}`;

/** The report in a few lines a marketer can read: each group, the difference with its interval, and p. */
export function describeLift(report: HoldoutReport): string {
  const group = (name: string, g: HoldoutReport['holdout']) =>
    `  ${name.padEnd(10)} ${String(g.customers).padStart(9)} customers, ${g.converted} did it (${percent(g.rate)})`;
  const { difference: d } = report;
  const lift = d
    ? `  lift       ${points(d.value)} points (95 % interval ${points(d.low)} to ${points(d.high)})` +
      `${report.relativeLift === null ? '' : `, ${points(report.relativeLift)} % relative`}; p = ${report.pValue?.toPrecision(2)}`
    : '  lift       not measurable: a group is empty';
  return [
    `${report.event}, ${report.since.slice(0, 10)} to ${report.until.slice(0, 10)}; holdout ${report.percent} % of customers (${report.classes.join(', ')})`,
    group('holdout', report.holdout),
    group('treatment', report.treatment),
    lift,
    ...report.warnings.map((warning) => `  note: ${warning}`),
  ].join('\n');
}
