import type { Channel } from '../../delivery/channel-choice.ts';
import type { ChannelHealth, DeliveryStore } from '../../storage/delivery-store.ts';

/**
 * The channels whose provider is failing, as the delivery workers recorded them
 * (`delivery/channel-health.ts`), read from the store at most every `ttlMs`: the delivery worker
 * may be another process.
 */
export class ChannelHealthCache {
  private held: { rows: readonly ChannelHealth[]; at: number } | undefined;

  constructor(
    private readonly store: DeliveryStore,
    private readonly ttlMs = 5_000,
  ) {}

  async unhealthy(now: number): Promise<ReadonlySet<Channel>> {
    const held = this.held;
    const rows =
      held && now - held.at < this.ttlMs && now >= held.at ? held.rows : await this.store.unhealthyChannels(now);
    if (rows !== held?.rows) this.held = { rows, at: now };
    return new Set(rows.filter((r) => r.unhealthyUntil > now).map((r) => r.channel as Channel));
  }
}
