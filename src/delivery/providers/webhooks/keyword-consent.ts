import { ALL_TOPICS, consentStatus } from '../../../profiles/consent-status.ts';
import type { CustomerService } from '../../../profiles/customer-service.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { Store } from '../../../storage/store.ts';
import { suppressionAddress } from '../../suppression/suppression-address.ts';
import type { KeywordChannel, OptOutKeyword } from './opt-out-keywords.ts';

/** What a keyword did to the customer's consent on its channel; undefined when nothing changed. */
export type KeywordConsent = 'withdrawn' | 'restored' | undefined;

export interface KeywordDeps {
  readonly store: Store;
  readonly customers: CustomerService;
  readonly clock: Clock;
}

export interface KeywordMessage {
  readonly workspaceId: string;
  /** Undefined for a sender Godwit does not know yet (its profile comes from the message's identify). */
  readonly customerId: string | undefined;
  readonly channel: KeywordChannel;
  readonly keyword: OptOutKeyword | undefined;
  readonly text: string;
  /** The sender's number. */
  readonly from: string;
}

/**
 * STOP withdraws the customer's consent on the channel they wrote on, for every topic, keeping what it
 * replaced; START puts exactly that back (a channel-wide grant, or no choice at all), so STOP then YES
 * never opts anyone in to a subscription they did not have. A denial STOP did not make (a preference
 * page, an admin) is lifted to no choice. Recorded through CustomerService, so segments hear of it
 * like any consent change. A sender with no profile yet has no consent to change: their number goes on
 * the channel's suppression list (`opt_out`), which holds whoever it turns out to be, and START takes it off.
 */
export async function applyKeywordConsent(deps: KeywordDeps, message: KeywordMessage): Promise<KeywordConsent> {
  const { workspaceId, customerId, channel, keyword } = message;
  if (keyword?.type !== 'stop' && keyword?.type !== 'start') return undefined;
  const address = suppressionAddress(channel, message.from);
  const where = { channel, topic: ALL_TOPICS };
  const source = `${channel}_keyword:${message.text.trim()}`;
  if (keyword.type === 'stop') {
    if (customerId) {
      await deps.customers.changeConsent(workspaceId, customerId, where, (current, at) => ({
        status: 'denied',
        at,
        source,
        // A second STOP keeps what the first replaced.
        replaced: current?.replaced !== undefined ? current.replaced : (current ?? null),
      }));
    } else if (address) await listOptOut(deps, message, address);
    else return undefined;
    return 'withdrawn';
  }
  const unlisted = address ? await unlistOptOut(deps, workspaceId, channel, address) : false;
  const profile = customerId ? await deps.store.getProfile(workspaceId, customerId) : undefined;
  const denied = profile !== undefined && consentStatus(profile.consent, channel) === 'denied';
  if (denied) {
    await deps.customers.changeConsent(workspaceId, customerId as string, where, (current) =>
      current?.replaced ? current.replaced : undefined,
    );
  }
  return denied || unlisted ? 'restored' : undefined;
}

async function listOptOut(deps: KeywordDeps, message: KeywordMessage, address: string): Promise<void> {
  await deps.store.suppressions.add([
    {
      workspaceId: message.workspaceId,
      channel: message.channel,
      address,
      reason: 'opt_out',
      sourceMessage: null,
      detail: { keyword: message.text.trim() },
      createdAt: deps.clock.now(),
    },
  ]);
}

/** Takes an `opt_out` entry off the list; an address listed for another reason (a bounce, by hand) stays. */
async function unlistOptOut(deps: KeywordDeps, workspaceId: string, channel: string, address: string) {
  const [listed] = await deps.store.suppressions.find(workspaceId, [{ channel, address }]);
  return listed?.reason === 'opt_out' && (await deps.store.suppressions.remove(workspaceId, { channel, address }));
}
