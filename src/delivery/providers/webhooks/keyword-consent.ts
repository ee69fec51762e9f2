import { ALL_TOPICS, consentStatus } from '../../../profiles/consent-status.ts';
import type { CustomerService } from '../../../profiles/customer-service.ts';
import type { Store } from '../../../storage/store.ts';
import type { KeywordChannel, OptOutKeyword } from './opt-out-keywords.ts';

/** What a keyword did to the customer's consent on its channel; undefined when nothing changed. */
export type KeywordConsent = 'withdrawn' | 'restored' | undefined;

/**
 * STOP withdraws the customer's consent on the channel they wrote on, for every topic; START
 * restores it only where it was withdrawn, so a plain "yes" in a conversation never opts anyone in
 * to marketing. Recorded through CustomerService, so segments hear of it like any consent change.
 */
export async function applyKeywordConsent(
  deps: { readonly store: Store; readonly customers: CustomerService },
  change: {
    readonly workspaceId: string;
    readonly customerId: string;
    readonly channel: KeywordChannel;
    readonly keyword: OptOutKeyword | undefined;
    readonly text: string;
  },
): Promise<KeywordConsent> {
  const { workspaceId, customerId, channel, keyword } = change;
  if (keyword?.type !== 'stop' && keyword?.type !== 'start') return undefined;
  if (keyword.type === 'start') {
    const profile = await deps.store.getProfile(workspaceId, customerId);
    if (!profile || consentStatus(profile.consent, channel) !== 'denied') return undefined;
  }
  await deps.customers.setConsent(workspaceId, customerId, {
    channel,
    topic: ALL_TOPICS,
    status: keyword.type === 'stop' ? 'denied' : 'granted',
    source: `${channel}_keyword:${change.text.trim()}`,
  });
  return keyword.type === 'stop' ? 'withdrawn' : 'restored';
}
