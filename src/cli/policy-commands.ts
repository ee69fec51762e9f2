import { parsePolicyText } from '../decisioning/policy-schema.ts';
import { PolicyService } from '../decisioning/runtime/policy-service.ts';
import { systemClock } from '../shared/clock.ts';
import { formatDefinitionIssues } from '../shared/definition-parsing.ts';
import { invalidInput } from '../shared/errors.ts';
import { type Flags, withGodwit, workspaceOf } from './commands.ts';
import { readText } from './input-files.ts';

export const policyUsage = `  policy show                         the workspace's communication policy (JSON; the default until one is applied)
  policy apply <file.yaml|json>       validate and apply a policy (quiet hours, caps, collisions, suppression, holdout)`;

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
