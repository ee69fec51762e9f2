import { readFileSync } from 'node:fs';
import { PolicyService } from '../decisioning/runtime/policy-service.ts';
import { systemClock } from '../shared/clock.ts';
import { type Flags, withGodwit, workspaceOf } from './commands.ts';

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
  const text = readFileSync(file, 'utf8');
  await withGodwit(async (godwit) => {
    const service = new PolicyService({ store: godwit.store, clock: systemClock });
    const view = await service.put(await workspaceOf(godwit, flags), text);
    const { quietHours, caps, suppression } = view.policy;
    console.log(
      `policy applied: ${quietHours.length} quiet-hour rules, ${caps.length} caps, ${suppression.length} suppression rules${view.policy.holdout ? `, holdout ${view.policy.holdout.percent}%` : ''}`,
    );
  });
}
