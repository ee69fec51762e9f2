import { randomUUID } from 'node:crypto';
import {
  type ConsumeOptions,
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_DELAY_MS,
  type Subscription,
} from './bus.ts';
import { type BusBackend, checkGroupName } from './bus-adapter.ts';
import { assignPartitions } from './group-assignment.ts';
import { PartitionLoop, Slots } from './partition-loop.ts';

export interface GroupConsumerOptions {
  backend: BusBackend;
  partitions: number;
  consume: ConsumeOptions;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * One member of a consumer group, on any adapter. Every lease/3 it renews its claims in the
 * group's record (compare-and-set), claims free or lapsed partitions up to its fair share and
 * sheds the excess; each owned partition runs in a `PartitionLoop`. A consumer that cannot renew
 * stops its loops before its lease lapses, so the next owner never overlaps a live one.
 */
export class GroupConsumer implements Subscription {
  readonly consumerId: string;
  private readonly loops = new Map<number, PartitionLoop>();
  private readonly releasing = new Set<number>();
  private readonly slots: Slots;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  /** Fires when the claims are about to lapse without a renewal: the loops stop short of it. */
  private lapse: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(private readonly options: GroupConsumerOptions) {
    checkGroupName(options.consume.group);
    this.consumerId = options.consume.consumerId ?? randomUUID();
    this.slots = new Slots(options.consume.concurrency ?? DEFAULT_CONCURRENCY);
    this.leaseMs = options.consume.leaseMs ?? DEFAULT_LEASE_MS;
    this.now = options.now ?? Date.now;
  }

  /** Joins the group and claims a first share; rejects if the claim record cannot be reached. */
  async start(): Promise<void> {
    await this.balance();
    this.schedule();
  }

  owned(): number[] {
    return [...this.loops.keys()].sort((a, b) => a - b);
  }

  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.timer);
    await this.ticking;
    clearTimeout(this.lapse);
    for (const loop of this.loops.values()) loop.stop();
    const stopped = Promise.all([...this.loops.values()].map((loop) => loop.done.then(() => loop.partition)));
    const timeout = options.timeoutMs;
    const finished = await (timeout === undefined
      ? stopped
      : Promise.race([stopped, new Promise<undefined>((resolve) => setTimeout(resolve, timeout))]));
    if (finished === undefined) {
      // Abandoned: outcomes are dropped and the claims lapse, so no one starts on a partition still being worked.
      for (const loop of this.loops.values()) loop.abandon();
      this.loops.clear();
      return;
    }
    for (const partition of finished) this.releasing.add(partition);
    this.loops.clear();
    await this.balance().catch((error) => this.reportError(error));
  }

  private schedule(): void {
    if (this.closing) return;
    this.timer = setTimeout(() => {
      this.ticking = this.balance()
        .catch((error) => this.reportError(error))
        .finally(() => this.schedule());
    }, this.leaseMs / 3);
    this.timer.unref();
  }

  /** Reads, reassigns and writes the group record, retrying when another consumer wrote first. */
  private async balance(): Promise<void> {
    const { backend, consume, partitions } = this.options;
    for (let attempt = 0; attempt < 5; attempt++) {
      const { state, version } = await backend.claims.read(consume.group);
      const now = this.now();
      const releasing = new Set(this.releasing);
      const assignment = assignPartitions({
        state,
        me: this.consumerId,
        now,
        leaseMs: this.leaseMs,
        partitions,
        allowed: consume.partitions ?? Array.from({ length: partitions }, (_, i) => i),
        running: new Set(this.loops.keys()),
        releasing,
        leaving: this.closing,
      });
      for (const partition of assignment.lost) this.abandon(partition);
      if (!(await backend.claims.write(consume.group, assignment.state, version))) continue;
      this.armLapse();
      for (const partition of releasing) this.releasing.delete(partition);
      for (const { partition, epoch } of assignment.acquired) this.startLoop(partition, epoch);
      for (const partition of assignment.shed) this.stopLoop(partition);
      return;
    }
  }

  private startLoop(partition: number, epoch: number): void {
    const { consume, backend } = this.options;
    const loop = new PartitionLoop({
      backend,
      group: consume.group,
      partition,
      epoch,
      handler: consume.handler,
      batchSize: consume.batchSize ?? DEFAULT_BATCH_SIZE,
      maxAttempts: consume.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryDelayMs: consume.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
      slots: this.slots,
      onError: (error) => this.reportError(error),
    });
    this.loops.set(partition, loop);
    // A loop that ends on its own (an error) is released; the next owner starts a new epoch from the ack floor.
    void loop.done.then(() => {
      if (this.loops.get(partition) !== loop || this.closing) return;
      this.loops.delete(partition);
      this.releasing.add(partition);
    });
  }

  /** Finish the batch in hand, then release the partition to a consumer under its share. */
  private stopLoop(partition: number): void {
    const loop = this.loops.get(partition);
    loop?.stop();
  }

  private abandon(partition: number): void {
    this.loops.get(partition)?.abandon();
    this.loops.delete(partition);
  }

  /**
   * Without a renewal the claims lapse one lease after this write and another consumer may take
   * them: stop working them a quarter lease before, so two owners never overlap (clocks allowing).
   */
  private armLapse(): void {
    clearTimeout(this.lapse);
    if (this.closing) return;
    this.lapse = setTimeout(
      () => {
        for (const partition of [...this.loops.keys()]) this.abandon(partition);
      },
      (this.leaseMs * 3) / 4,
    );
    this.lapse.unref();
  }

  private reportError(error: unknown): void {
    this.options.onError?.(error);
  }
}
