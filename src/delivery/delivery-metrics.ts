import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../shared/clock.ts';
import { type ClaimedMessage, DEAD_LETTER_STATUSES, type DeliveryOutcome } from '../storage/delivery-store.ts';
import type { Store } from '../storage/store.ts';
import { isRetry } from './attempt-outcome.ts';
import type { ProviderRegistry } from './provider-registry.ts';

/** What the worker reports as it goes; the Prometheus adapter below, or nothing. */
export interface DeliveryObserver {
  /** One provider.send: how long it took and how it ended. */
  attempt(provider: string, seconds: number, result: 'sent' | 'transient' | 'permanent'): void;
  /** A slice's outcomes, with the messages they settle (same order). */
  outcomes(messages: readonly ClaimedMessage[], outcomes: readonly DeliveryOutcome[]): void;
}

const BREAKER_VALUES = { closed: 0, half_open: 1, open: 2 } as const;

/**
 * Delivery's Prometheus metrics on the app's registry: sends per channel, provider and final status,
 * send latency, retries, dead letters, each provider's breaker and the outbox by status (the backlog
 * is `pending` + `sending`). The gauges are read at scrape time.
 */
export function deliveryMetrics(options: {
  registry: Registry;
  store: Store;
  providers: ProviderRegistry;
  clock: Clock;
  /**
   * Whether this process sends (its delivery worker runs). Breakers of a process that never sends stay closed, so only
   * a sending process reports them: an API process saying "closed" beside a worker whose breaker is open misleads.
   */
  sending?: () => boolean;
}): DeliveryObserver {
  const registers = [options.registry];
  const sends = new Counter({
    name: 'godwit_delivery_messages_total',
    help: 'Messages that reached a final status (sent, delivered, failed, dead, bounced, suppressed, possibly_sent)',
    labelNames: ['channel', 'provider', 'status'],
    registers,
  });
  const latency = new Histogram({
    name: 'godwit_delivery_attempt_duration_seconds',
    help: 'How long one provider send took, by provider and result (sent, transient, permanent)',
    labelNames: ['provider', 'result'],
    buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const retries = new Counter({
    name: 'godwit_delivery_retries_total',
    help: 'Transient failures put back for a later attempt',
    labelNames: ['provider'],
    registers,
  });
  const deadLetters = new Counter({
    name: 'godwit_delivery_dead_letters_total',
    help: 'Messages that became dead letters (dead, failed, possibly_sent)',
    labelNames: ['provider', 'status'],
    registers,
  });
  new Gauge({
    name: 'godwit_delivery_circuit_state',
    help: 'Each provider circuit breaker: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider'],
    registers,
    collect() {
      this.reset();
      if (options.sending && !options.sending()) return;
      for (const route of options.providers.all()) {
        this.set({ provider: route.provider.name }, BREAKER_VALUES[route.breaker.state(options.clock.now())]);
      }
    },
  });
  new Gauge({
    name: 'godwit_delivery_outbox_messages',
    help: 'Outbox messages by status; pending + sending is the backlog',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await options.store.delivery.countByStatus()))
        this.set({ status }, n ?? 0);
    },
  });
  return {
    attempt: (provider, seconds, result) => latency.observe({ provider, result }, seconds),
    outcomes(messages, outcomes) {
      outcomes.forEach((outcome, i) => {
        const message = messages[i];
        const provider = outcome.provider ?? message?.provider ?? 'none';
        if (outcome.status === 'pending') {
          // A deferral (open circuit, rate limit) used no attempt: not a retry.
          if (message && isRetry(message, outcome)) retries.inc({ provider });
          return;
        }
        sends.inc({ channel: message?.channel ?? 'none', provider, status: outcome.status });
        if (DEAD_LETTER_STATUSES.includes(outcome.status)) deadLetters.inc({ provider, status: outcome.status });
      });
    },
  };
}
