import { ConfigError } from '../shared/config.ts';
import { CHANNELS } from './channel-choice.ts';
import { CircuitBreaker, type CircuitBreakerOptions, DEFAULT_BREAKER } from './circuit-breaker.ts';
import { ConcurrencyLimit } from './concurrency-limit.ts';
import type { ChannelProvider, DeliveryChannel } from './provider.ts';
import { TokenBucket } from './token-bucket.ts';

export const DELIVERY_CHANNELS: readonly DeliveryChannel[] = [...CHANNELS, 'webhook'];

/** How hard the worker may push one provider. */
export interface ProviderLimits {
  /** Sends in flight at once. */
  readonly concurrency: number;
  /** Sends per second, sustained; none when absent. */
  readonly ratePerSecond?: number;
  /** Sends allowed at once above the rate (default: one second's worth). */
  readonly burst?: number;
}

export const DEFAULT_LIMITS: ProviderLimits = { concurrency: 32 };

export interface ProviderEntry {
  readonly provider: ChannelProvider;
  readonly limits?: ProviderLimits;
}

/** A provider with the limiter, rate limit and circuit breaker the worker keeps for it. */
export interface ProviderRoute {
  readonly provider: ChannelProvider;
  readonly limit: ConcurrencyLimit;
  readonly bucket: TokenBucket | undefined;
  readonly breaker: CircuitBreaker;
}

/**
 * Which provider carries each channel. Built in the composition root from the configured
 * providers and the channel → provider names (`GODWIT_CHANNEL_PROVIDERS`); each provider gets one
 * route (limits and breaker) however many channels it serves.
 */
export class ProviderRegistry {
  private readonly routes = new Map<DeliveryChannel, ProviderRoute>();

  constructor(options: {
    providers: readonly ProviderEntry[];
    /** Channel → provider name; a channel left out has no provider. */
    channels: Partial<Record<DeliveryChannel, string>>;
    breaker?: CircuitBreakerOptions;
  }) {
    const byName = new Map<string, ProviderRoute>();
    for (const { provider, limits = DEFAULT_LIMITS } of options.providers) {
      byName.set(provider.name, {
        provider,
        limit: new ConcurrencyLimit(limits.concurrency),
        bucket: limits.ratePerSecond ? new TokenBucket(limits.ratePerSecond, limits.burst) : undefined,
        breaker: new CircuitBreaker(options.breaker ?? DEFAULT_BREAKER),
      });
    }
    for (const [channel, name] of Object.entries(options.channels) as [DeliveryChannel, string][]) {
      const route = byName.get(name);
      if (!route) {
        const configured = [...byName.keys()].join(', ');
        throw settingError(channel, name, `no provider ${name} is configured (configured: ${configured})`);
      }
      if (!route.provider.channels.includes(channel)) {
        throw settingError(channel, name, `${name} does not send ${channel} messages`);
      }
      this.routes.set(channel, route);
    }
  }

  forChannel(channel: string | null): ProviderRoute | undefined {
    return channel === null ? undefined : this.routes.get(channel as DeliveryChannel);
  }

  /** Each provider's route once, for metrics. */
  all(): ProviderRoute[] {
    return [...new Set(this.routes.values())];
  }

  /** Channel → provider name, for logs and the API. */
  describe(): Record<string, string> {
    return Object.fromEntries([...this.routes].map(([channel, route]) => [channel, route.provider.name]));
  }
}

/** The names come from GODWIT_CHANNEL_PROVIDERS (the defaults always fit), so a mismatch is that setting's. */
function settingError(channel: DeliveryChannel, name: string, problem: string): ConfigError {
  return new ConfigError(`GODWIT_CHANNEL_PROVIDERS: "${channel}=${name}": ${problem}`);
}

/**
 * Channel → provider name: what `GODWIT_CHANNEL_PROVIDERS` ("email=smtp,sms=twilio") names, else
 * the first of `providers` that serves the channel, else `fallback` (the dev sink).
 */
export function channelProviders(options: {
  text: string | undefined;
  providers: readonly ChannelProvider[];
  fallback: string;
}): Partial<Record<DeliveryChannel, string>> {
  const out: Partial<Record<DeliveryChannel, string>> = {};
  for (const channel of DELIVERY_CHANNELS) {
    out[channel] = options.providers.find((p) => p.channels.includes(channel))?.name ?? options.fallback;
  }
  const parts = (options.text ?? '').split(',').map((p) => p.trim());
  for (const part of parts.filter(Boolean)) {
    const [channel, name] = part.split('=').map((s) => s.trim());
    if (!channel || !name || !DELIVERY_CHANNELS.includes(channel as DeliveryChannel)) {
      throw new ConfigError(
        `GODWIT_CHANNEL_PROVIDERS: "${part}" must be channel=provider with a channel among ${DELIVERY_CHANNELS.join(', ')}`,
      );
    }
    out[channel as DeliveryChannel] = name;
  }
  return out;
}
