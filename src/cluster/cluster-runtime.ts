import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { NatsBus } from '../bus/nats-bus.ts';
import type { JourneyDefinitions } from '../journeys/runtime/journey-definitions.ts';
import { PROFILE_CURSOR } from '../profiles/profile-processor.ts';
import type { Clock } from '../shared/clock.ts';
import type { Config } from '../shared/config.ts';
import type { JourneyChange } from '../storage/journey-store.ts';
import type { Store } from '../storage/store.ts';
import { BusRelay, RELAY_CURSOR } from './bus-relay.ts';
import type { Role } from './cluster-config.ts';
import { JOURNEY_GROUP, PartitionedJourneys } from './partitioned-journeys.ts';

export interface ClusterOptions {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  owner: string;
  definitions: JourneyDefinitions;
  registry: Registry;
  onCommitted?: (change: JourneyChange) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The NATS side of a scale-out process: the relay that publishes the event log (role `profiles`)
 * and the partitioned journey stage (role `journeys`). Connects in the background, retrying until
 * NATS answers, so a worker started while NATS is down waits (and says so on /readyz) instead of
 * exiting.
 */
export class ClusterRuntime {
  private bus: NatsBus | undefined;
  relay: BusRelay | undefined;
  journeys: PartitionedJourneys | undefined;
  private starting: Promise<void> | undefined;
  private stopped = false;
  private connectError = 'connecting';
  private counters: { handled(c: { events: number; dead: number; timers: number }): void } | undefined;

  constructor(private readonly options: ClusterOptions) {}

  /** Starts the parts of `roles` that run on the bus; returns at once (they start once NATS answers). */
  start(roles: readonly Role[]): void {
    const wanted = roles.filter((r) => r === 'profiles' || r === 'journeys');
    if (wanted.length === 0) return;
    this.registerMetrics();
    this.starting = this.connect().then(async (bus) => {
      if (!bus) return;
      const { store, clock, logger, owner, config } = this.options;
      if (wanted.includes('profiles')) {
        this.relay = new BusRelay({
          store,
          bus,
          clock,
          owner,
          logger,
          profiledUpTo: () => store.readCursor(PROFILE_CURSOR),
        });
        this.relay.start();
      }
      if (wanted.includes('journeys')) {
        this.journeys = new PartitionedJourneys({
          store,
          bus,
          clock,
          owner,
          logger,
          definitions: this.options.definitions,
          maxAttempts: config.GODWIT_MAX_ATTEMPTS,
          concurrency: config.GODWIT_CONCURRENCY,
          onCommitted: this.options.onCommitted,
          onHandled: (c) => this.counters?.handled(c),
        });
        await this.journeys.start();
      }
    });
    this.starting.catch((error) => this.options.logger.error({ err: error }, 'the scale-out runtime failed to start'));
  }

  /** Whether a role of this process runs on the bus (the relay, partitioned journeys): only then does it need NATS. */
  get onBus(): boolean {
    return this.starting !== undefined;
  }

  /** New resolved events in the log. */
  notify(): void {
    this.relay?.notify();
  }

  /** Why this process is not ready on the bus side, or undefined. */
  async notReady(): Promise<string | undefined> {
    if (!this.starting) return undefined;
    if (!this.bus) return `NATS at ${this.options.config.NATS_URL}: ${this.connectError}`;
    return (await this.bus.ping()) ? undefined : `NATS at ${this.options.config.NATS_URL} does not answer`;
  }

  /** Finishes batches in hand, releases partitions and leases, closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    await this.journeys?.stop();
    await this.relay?.stop();
    await this.bus?.close();
  }

  private async connect(): Promise<NatsBus | undefined> {
    const { config } = this.options;
    for (let wait = 250; !this.stopped; wait = Math.min(wait * 2, 5_000)) {
      try {
        this.bus = await NatsBus.connect({
          url: config.NATS_URL as string,
          stream: config.GODWIT_NATS_STREAM,
          subjectPrefix: config.GODWIT_NATS_PREFIX,
          partitions: config.GODWIT_PARTITIONS,
          onError: (error) => this.options.logger.warn({ err: error }, 'bus consumer error'),
        });
        return this.bus;
      } catch (error) {
        this.connectError = (error as Error).message;
        this.options.logger.warn({ err: error }, `waiting for NATS at ${config.NATS_URL}`);
        await sleep(wait);
      }
    }
    return undefined;
  }

  private registerMetrics(): void {
    const { registry, store } = this.options;
    const registers = [registry];
    const events = new Counter({
      name: 'godwit_journey_partition_events_total',
      help: "Events stepped by this worker's journey partitions",
      registers,
    });
    const dead = new Counter({
      name: 'godwit_journey_dead_letters_total',
      help: 'Events given up on after their attempts (dead letters)',
      registers,
    });
    const timers = new Counter({
      name: 'godwit_journey_partition_timers_total',
      help: 'Run timers fired by this worker',
      registers,
    });
    this.counters = {
      handled: (c) => {
        events.inc(c.events);
        dead.inc(c.dead);
        timers.inc(c.timers);
      },
    };
    const cluster = this;
    new Gauge({
      name: 'godwit_bus_partition_lag_messages',
      help: 'Messages of the journeys group not yet acknowledged, per partition',
      labelNames: ['partition'],
      registers,
      async collect() {
        this.reset();
        for (const [partition, lag] of (await cluster.bus?.pending(JOURNEY_GROUP).catch(() => undefined)) ?? []) {
          this.set({ partition: String(partition) }, lag);
        }
      },
    });
    new Gauge({
      name: 'godwit_bus_partitions_owned',
      help: 'Journey partitions this worker owns',
      registers,
      collect() {
        this.set(cluster.journeys?.owned().length ?? 0);
      },
    });
    new Gauge({
      name: 'godwit_bus_relay_lag_events',
      help: 'Events in the log not yet published to the bus',
      registers,
      async collect() {
        this.set((await store.lastEventSeq()) - (await store.readCursor(RELAY_CURSOR)));
      },
    });
  }
}
