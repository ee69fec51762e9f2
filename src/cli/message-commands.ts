import { GodwitError } from '../shared/errors.ts';
import { MESSAGE_STATUSES, type MessageStatus } from '../storage/delivery-store.ts';
import { type Flags, withGodwit, workspaceOf } from './commands.ts';

export const messageUsage = `  messages [--status S] [--channel C] [--journey J] [--customer ID] [--limit N] [--before CURSOR]
                                      the newest messages; --status dead lists dead letters, --status
                                      scheduled the ones the policy holds (with when each goes);
                                      --before: the cursor printed under a page, for the older one
  messages show <key>                 one message with its rendered content and delivery events
  messages retry <key>                put a dead letter (dead, failed, possibly sent) back in the queue`;

export const messageOptions = {
  status: { type: 'string' },
  channel: { type: 'string' },
  journey: { type: 'string' },
  customer: { type: 'string' },
  limit: { type: 'string' },
  before: { type: 'string' },
} as const;

export async function listMessages(flags: Flags): Promise<void> {
  const status = flags.status as string | undefined;
  if (status !== undefined && status !== 'dead' && !MESSAGE_STATUSES.includes(status as MessageStatus)) {
    throw new GodwitError('invalid_input', `--status must be one of ${MESSAGE_STATUSES.join(', ')}`);
  }
  const limit = Number(flags.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new GodwitError('invalid_input', '--limit must be a whole number from 1 to 500');
  }
  await withGodwit(async (godwit) => {
    const workspaceId = await workspaceOf(godwit, flags);
    const { messages } = godwit.delivery;
    const customerId =
      typeof flags.customer === 'string' ? await godwit.customers.resolveId(workspaceId, flags.customer) : undefined;
    const before = flags.before as string | undefined;
    const page =
      status === 'dead'
        ? await messages.deadLetters(workspaceId, limit, before)
        : await messages.list(workspaceId, {
            status: status as MessageStatus | undefined,
            channel: flags.channel as string | undefined,
            journeyId: flags.journey as string | undefined,
            customerId,
            limit,
            before,
          });
    if (page.messages.length === 0) return void console.log('no messages');
    for (const m of page.messages) {
      // A held message says when it goes; the decision (`messages show`) says why.
      const goes = m.status === 'scheduled' && m.nextAttemptAt ? `  goes at ${m.nextAttemptAt}` : '';
      const error = m.lastError ? `  (${m.lastError})` : '';
      console.log(
        `${m.createdAt}  ${m.status.padEnd(13)} ${(m.channel ?? '-').padEnd(8)} ${(m.template ?? '-').padEnd(20)} ${m.address ?? '-'}  attempts ${m.attempts}  ${m.key}${goes}${error}`,
      );
    }
    if (page.next) console.log(`older messages: the same command with --before ${page.next}`);
  });
}

export async function showMessage(key: string, flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    const message = await godwit.delivery.messages.get(await workspaceOf(godwit, flags), key);
    console.log(JSON.stringify(message, null, 2));
  });
}

export async function retryMessage(key: string, flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    const message = await godwit.delivery.messages.retry(await workspaceOf(godwit, flags), key);
    console.log(`${message.key}: back in the queue (a running server sends it within a second)`);
  });
}
