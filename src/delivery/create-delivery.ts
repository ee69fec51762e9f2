import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../shared/clock.ts';
import type { Config } from '../shared/config.ts';
import type { Store } from '../storage/store.ts';
import { providerLimits } from './delivery-config.ts';
import { DeliveryEvents } from './delivery-events.ts';
import { deliveryMetrics } from './delivery-metrics.ts';
import { DeliveryWorker } from './delivery-worker.ts';
import type { MessageRenderer } from './message-renderer.ts';
import { MessageService } from './message-service.ts';
import type { ChannelProvider } from './provider.ts';
import { channelProviders, ProviderRegistry } from './provider-registry.ts';
import { DevSinkProvider } from './providers/dev-sink/dev-sink-provider.ts';
import { DEFAULT_RETRY_POLICY } from './retry-policy.ts';

export interface Delivery {
  worker: DeliveryWorker;
  registry: ProviderRegistry;
  messages: MessageService;
  /** Where status callbacks, opens, clicks and replies are recorded against their message. */
  events: DeliveryEvents;
  devSink: DevSinkProvider;
}

/**
 * Delivery as the composition root wires it: the dev sink plus the configured providers, a
 * registry from `GODWIT_CHANNEL_PROVIDERS` (every channel falls back to the dev sink), the worker
 * with its renderer, the messages service and the delivery-event recorder.
 */
export function createDelivery(options: {
  config: Pick<
    Config,
    'GODWIT_CHANNEL_PROVIDERS' | 'GODWIT_PROVIDER_LIMITS' | 'GODWIT_DELIVERY_MAX_ATTEMPTS' | 'GODWIT_DELIVERY_LEASE_MS'
  >;
  store: Store;
  clock: Clock;
  owner: string;
  renderer: MessageRenderer;
  /** Configured providers besides the dev sink. */
  providers: readonly ChannelProvider[];
  /** Timeline events were appended (the profile processor's notify). */
  onTimeline: () => void;
  writeSaturation?: () => number;
  /** The app's Prometheus registry: delivery adds its metrics to it. */
  metrics?: Registry;
  logger?: Logger;
}): Delivery {
  const { config, store, clock } = options;
  const devSink = new DevSinkProvider({ logger: options.logger });
  const limits = providerLimits(config.GODWIT_PROVIDER_LIMITS);
  const providers = [...options.providers, devSink];
  const registry = new ProviderRegistry({
    providers: providers.map((provider) => ({ provider, limits: limits[provider.name] })),
    channels: channelProviders({
      text: config.GODWIT_CHANNEL_PROVIDERS,
      providers: options.providers,
      fallback: devSink.name,
    }),
  });
  const worker: DeliveryWorker = new DeliveryWorker({
    store,
    clock,
    owner: options.owner,
    providers: registry,
    renderer: options.renderer,
    retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: config.GODWIT_DELIVERY_MAX_ATTEMPTS },
    leaseMs: config.GODWIT_DELIVERY_LEASE_MS,
    sendTimeoutMs: Math.min(30_000, config.GODWIT_DELIVERY_LEASE_MS / 4),
    writeSaturation: options.writeSaturation,
    observer:
      options.metrics &&
      deliveryMetrics({
        registry: options.metrics,
        store,
        providers: registry,
        clock,
        sending: (): boolean => worker.running,
      }),
    logger: options.logger,
  });
  const messages = new MessageService({ store, clock, onRetry: () => worker.notify() });
  const events = new DeliveryEvents({ store, onTimeline: options.onTimeline });
  return { worker, registry, messages, events, devSink };
}
