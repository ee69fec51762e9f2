import { groupBy } from '../../shared/group-by.ts';
import type { ClaimedMessage } from '../../storage/delivery-store.ts';
import type { Store } from '../../storage/store.ts';
import type { SuppressionRecord } from '../../storage/suppression-store.ts';
import { suppressionAddress, suppressionKey } from './suppression-address.ts';

/** The claimed messages whose address is on the suppression list, with its entry; one lookup per workspace. */
export async function listedAddresses(
  store: Store,
  messages: readonly ClaimedMessage[],
): Promise<Map<ClaimedMessage, SuppressionRecord>> {
  const out = new Map<ClaimedMessage, SuppressionRecord>();
  const keyed = messages.flatMap((message) => {
    const raw = message.payload.address;
    const address = message.channel && typeof raw === 'string' ? suppressionAddress(message.channel, raw) : undefined;
    return address && message.channel ? [{ message, channel: message.channel, address }] : [];
  });
  for (const [workspaceId, items] of groupBy(keyed, (k) => k.message.workspaceId)) {
    const found = await store.suppressions.find(workspaceId, items);
    if (found.length === 0) continue;
    const byKey = new Map(found.map((f) => [suppressionKey(f.channel, f.address), f]));
    for (const item of items) {
      const entry = byKey.get(suppressionKey(item.channel, item.address));
      if (entry) out.set(item.message, entry);
    }
  }
  return out;
}
