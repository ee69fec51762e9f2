import type { ClaimedMessage } from '../storage/delivery-store.ts';
import type { ProviderRegistry } from './provider-registry.ts';

/**
 * The claims of a slice that a provider without idempotency cannot start at once (beyond its
 * concurrency): they go back to pending rather than wait claimed. A claim that expires after a crash
 * counts as a send cut off mid-way (possibly sent), so only messages really being sent may hold one.
 * A recovered claim is settled without a send and takes no place.
 */
export function beyondCapacity(messages: readonly ClaimedMessage[], providers: ProviderRegistry): ClaimedMessage[] {
  const taken = new Map<string, number>();
  return messages.filter((message) => {
    const route = providers.forChannel(message.channel);
    if (!route || route.provider.idempotent || message.recovered) return false;
    const name = route.provider.name;
    const n = (taken.get(name) ?? 0) + 1;
    taken.set(name, n);
    return n > route.limit.limit;
  });
}
