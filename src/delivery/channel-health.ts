import type { DeliveryStore } from '../storage/delivery-store.ts';
import type { AttemptResult } from './attempt-outcome.ts';
import type { ProviderRegistry } from './provider-registry.ts';

/**
 * Tells the decision engine which channels' providers are failing, so `best` sends go another way
 * (`decisioning/runtime/channel-health-cache.ts`). After each slice, a provider whose circuit breaker
 * has opened marks its channels failing for `holdMs`, renewed while it keeps failing; a closed
 * breaker clears the mark. Left alone (nothing tried on it), the mark runs out and the channel is
 * tried again, which opens the breaker again if the provider is still down.
 */
export class ChannelHealthReporter {
  /** Provider name → when this process last marked it failing. */
  private readonly marked = new Map<string, number>();

  constructor(
    private readonly store: DeliveryStore,
    private readonly providers: ProviderRegistry,
    private readonly holdMs = 60_000,
  ) {}

  async afterSlice(now: number, results: readonly AttemptResult[]): Promise<void> {
    const channels = Object.entries(this.providers.describe());
    for (const route of this.providers.all()) {
      const name = route.provider.name;
      // Open: failing now. Closed: a send went through. Half-open (its open period over, no probe sent yet): nothing
      // new is known, so the mark is neither renewed nor cleared; left alone it runs out and the channel is tried.
      const state = route.breaker.state(now);
      if (state === 'half_open') continue;
      const failing = state === 'open';
      const markedAt = this.marked.get(name);
      const renew = failing && (markedAt === undefined || now - markedAt >= this.holdMs / 2);
      if (!renew && (failing || markedAt === undefined)) continue;
      const reason = failing
        ? withoutAddresses(lastTransientError(results, name) ?? 'circuit breaker open')
        : 'sending again';
      if (failing) this.marked.set(name, now);
      else this.marked.delete(name);
      await this.store.setChannelHealth(
        channels
          .filter(([, provider]) => provider === name)
          .map(([channel]) => ({
            channel,
            provider: name,
            unhealthyUntil: failing ? now + this.holdMs : 0,
            reason,
            updatedAt: now,
          })),
      );
    }
  }
}

function lastTransientError(results: readonly AttemptResult[], provider: string): string | undefined {
  const failed = results.findLast((r) => r.type === 'failed' && r.kind === 'transient' && r.provider === provider);
  return failed?.type === 'failed' ? failed.error : undefined;
}

/**
 * Health is the deployment's, shown to every workspace (`GET /v1/messages/stats`), and a provider's error
 * often names the recipient (`450 4.2.0 <bob@example.com>: greylisted`): addresses and numbers are left out.
 */
export function withoutAddresses(text: string): string {
  return text
    .replace(/[^\s<>"',;:]+@[^\s<>"',;:]+/g, '<address>')
    .replace(/\+?\d[\d\s().-]{6,}\d/g, (run) => (run.replace(/\D/g, '').length >= 8 ? '<number>' : run));
}
