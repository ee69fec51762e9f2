import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../storage/store.ts';
import type { Role } from './cluster-config.ts';
import type { ClusterRuntime } from './cluster-runtime.ts';

/** The background stages of one process, as the composition root built them. */
export interface Stages {
  processor: { start(): void };
  segmentRuntime: { start(): void };
  runtime: { start(): void };
  deliveryWorker: { start(): void };
  /** Present when NATS is configured (scale-out). */
  cluster?: ClusterRuntime;
}

/**
 * Starts the stages of `roles`. Embedded, one journey runtime follows the log and fires every
 * timer (role `journeys` or `timers`). Scale-out, `journeys` handles bus partitions with their run
 * timers and `timers` fires the schedule and date-trait triggers; `profiles` also relays the log
 * to the bus.
 */
export function startRoles(stages: Stages, roles: readonly Role[]): void {
  const has = (role: Role) => roles.includes(role);
  if (has('profiles')) stages.processor.start();
  if (has('segments')) stages.segmentRuntime.start();
  if (stages.cluster ? has('timers') : has('journeys') || has('timers')) stages.runtime.start();
  if (has('delivery')) stages.deliveryWorker.start();
  stages.cluster?.start(roles);
}

/** How late the most overdue run timer is: 0 when none is due. */
export function registerTimerLag(registry: Registry, store: Store, clock: Clock): void {
  new Gauge({
    name: 'godwit_journey_timer_lag_seconds',
    help: 'How long the most overdue run timer has been due (0 when none is)',
    registers: [registry],
    async collect() {
      const now = clock.now();
      const [oldest] = await store.journeys.dueTimers(now, 1);
      this.set(oldest ? (now - oldest.dueAt) / 1000 : 0);
    },
  });
}
