import { GodwitError } from '../shared/errors.ts';
import { type Flags, withGodwit, workspaceOf } from './commands.ts';

export const suppressionUsage = `  suppressions [--channel C] [--limit N]
                                      addresses never sent to (hard bounces, complaints, added by hand)
  suppressions add <channel> <address> [--note text]
  suppressions remove <channel> <address>`;

export const suppressionOptions = { note: { type: 'string' } } as const;

export async function listSuppressions(flags: Flags): Promise<void> {
  const limit = Number(flags.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new GodwitError('invalid_input', '--limit must be a whole number from 1 to 500');
  }
  await withGodwit(async (godwit) => {
    const channel = typeof flags.channel === 'string' ? flags.channel : undefined;
    const { suppressions } = await godwit.suppressions.list(await workspaceOf(godwit, flags), { channel, limit });
    if (suppressions.length === 0) return void console.log('no suppressed addresses');
    for (const s of suppressions) {
      const source = s.sourceMessage ? `  message ${s.sourceMessage}` : '';
      console.log(`${s.createdAt}  ${s.channel.padEnd(8)} ${s.reason.padEnd(12)} ${s.address}${source}`);
    }
  });
}

export async function addSuppression(channel: string, address: string, flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    const note = typeof flags.note === 'string' ? flags.note : undefined;
    const { suppression, added } = await godwit.suppressions.add(await workspaceOf(godwit, flags), {
      channel,
      address,
      note,
    });
    console.log(
      `${suppression.channel} ${suppression.address}: ${added ? 'suppressed' : `already suppressed (${suppression.reason})`}`,
    );
  });
}

export async function removeSuppression(channel: string, address: string, flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    await godwit.suppressions.remove(await workspaceOf(godwit, flags), channel, address);
    console.log(`${channel} ${address}: removed from the suppression list`);
  });
}
