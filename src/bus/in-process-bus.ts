import type { Bus, BusMessage, ConsumeOptions, DeadLetter, Subscription } from './bus.ts';
import { GroupConsumer } from './group-consumer.ts';
import { InProcessLog } from './in-process-log.ts';

export interface InProcessBusOptions {
  /** Default 16. */
  partitions?: number;
  /** How long an id is remembered for dedupe (default 2 minutes, as JetStream's default). */
  dedupeWindowMs?: number;
  now?: () => number;
  /** Share another bus's log: several "workers" in one process, as the contract tests use. */
  log?: InProcessLog;
  onError?: (error: unknown) => void;
}

/**
 * The embedded adapter: the same semantics as the NATS one (partitions, dedupe window, groups
 * with one owner per partition, redelivery, dead letters) in memory. It is not durable on its
 * own: in the embedded runtime a message is published after its event is committed to the
 * store, and a restart rebuilds the work from the store's event log and cursors.
 */
export class InProcessBus implements Bus {
  readonly log: InProcessLog;
  private readonly subscriptions = new Set<GroupConsumer>();

  constructor(private readonly options: InProcessBusOptions = {}) {
    this.log =
      options.log ??
      new InProcessLog(options.partitions ?? 16, {
        dedupeWindowMs: options.dedupeWindowMs ?? 120_000,
        now: options.now ?? Date.now,
      });
  }

  get partitions(): number {
    return this.log.partitions;
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    this.log.append(messages);
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    const consumer = new GroupConsumer({
      backend: this.log,
      partitions: this.partitions,
      consume: options,
      now: this.options.now,
      onError: this.options.onError,
    });
    await consumer.start();
    this.subscriptions.add(consumer);
    return consumer;
  }

  async deadLetters(group: string, limit = 1000): Promise<DeadLetter[]> {
    return this.log.deadLetters(group, limit);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
  }
}
