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
 * STOP withdraws the customer's consent on the channel they wrote on, for every topic; START
 * restores it only where it was withdrawn, so a plain "yes" in a conversation never opts anyone in
 * to marketing. Recorded through CustomerService, so segments hear of it like any consent change.
 * A sender with no profile yet has no consent to change: their number goes on the channel's
 * suppression list (`opt_out`), which holds whoever it turns out to be, and START takes it off.
 */
export async function applyKeywordConsent(deps: KeywordDeps, message: KeywordMessage): Promise<KeywordConsent> {
  const { workspaceId, customerId, channel, keyword } = message;
  if (keyword?.type !== 'stop' && keyword?.type !== 'start') return undefined;
  const address = suppressionAddress(channel, message.from);
  if (keyword.type === 'stop') {
    if (customerId) await setConsent(deps, message, 'denied');
    else if (address) await listOptOut(deps, message, address);
    else return undefined;
    return 'withdrawn';
  }
  const unlisted = address ? await unlistOptOut(deps, workspaceId, channel, address) : false;
  const profile = customerId ? await deps.store.getProfile(workspaceId, customerId) : undefined;
  const denied = profile !== undefined && consentStatus(profile.consent, channel) === 'denied';
  if (denied) await setConsent(deps, message, 'granted');
  return denied || unlisted ? 'restored' : undefined;
}

function setConsent(deps: KeywordDeps, message: KeywordMessage, status: 'denied' | 'granted') {
  return deps.customers.setConsent(message.workspaceId, message.customerId as string, {
    channel: message.channel,
    topic: ALL_TOPICS,
    status,
    source: `${message.channel}_keyword:${message.text.trim()}`,
  });
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
