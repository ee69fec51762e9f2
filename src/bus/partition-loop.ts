import type { BatchHandler, DeadLetter, Delivery, Outcome } from './bus.ts';
import type { BusBackend, PartitionReader, Settlement } from './bus-adapter.ts';

export interface PartitionLoopOptions {
  backend: BusBackend;
  group: string;
  partition: number;
  epoch: number;
  handler: BatchHandler;
  batchSize: number;
  maxAttempts: number;
  retryDelayMs: number;
  /** Bounds handler calls in flight across the consumer's partitions. */
  slots: Slots;
  onError(error: unknown): void;
}

/**
 * Works one owned partition: read a batch, hand it to the handler, settle it, repeat. One batch
 * at a time, so a partition's messages are handled in order by this loop alone.
 */
export class PartitionLoop {
  /** Resolves when the loop has stopped; true if it ended on an error. */
  readonly done: Promise<boolean>;
  private readonly wake = new AbortController();
  private readonly lost = new AbortController();
  private stopping = false;
  private reader: PartitionReader | undefined;

  constructor(private readonly options: PartitionLoopOptions) {
    this.done = this.run();
  }

  get partition(): number {
    return this.options.partition;
  }

  /** Finish the batch in hand (handled and settled), then stop. */
  stop(): void {
    this.stopping = true;
    this.wake.abort();
  }

  /** Stop now: the batch in hand is dropped unsettled; the handler sees its signal abort. */
  abandon(): void {
    this.lost.abort();
    this.stop();
    // The handler may never return (a hung worker): stop reading now rather than after it.
    void this.reader?.close().catch(() => undefined);
  }

  private async run(): Promise<boolean> {
    let reader: PartitionReader | undefined;
    try {
      const { backend, group, partition, epoch, batchSize } = this.options;
      reader = await backend.openPartition({ group, partition, epoch, batchSize });
      this.reader = reader;
      if (this.lost.signal.aborted) return false;
      while (!this.stopping) {
        const batch = await reader.next(batchSize, this.wake.signal);
        if (batch.length === 0) continue;
        const outcomes = await this.handle(batch);
        if (this.lost.signal.aborted) break;
        await this.settle(reader, batch, outcomes);
      }
      return false;
    } catch (error) {
      if (!this.lost.signal.aborted) this.options.onError(error);
      return true;
    } finally {
      await reader?.close().catch(() => undefined);
    }
  }

  private async handle(batch: Delivery[]): Promise<readonly Outcome[]> {
    const { handler, partition, epoch, slots, retryDelayMs } = this.options;
    await slots.take();
    try {
      if (this.lost.signal.aborted) return [];
      const outcomes = (await handler(batch, { partition, epoch, signal: this.lost.signal })) ?? batch.map(() => ack);
      if (outcomes.length !== batch.length) {
        throw new Error(`bus handler returned ${outcomes.length} outcomes for a batch of ${batch.length}`);
      }
      return outcomes;
    } catch (error) {
      if (!this.lost.signal.aborted) this.options.onError(error);
      return batch.map(() => ({ type: 'nak', delayMs: retryDelayMs }) as const);
    } finally {
      slots.give();
    }
  }

  /** Dead letters are stored before their messages are settled, so none is lost in between. */
  private async settle(reader: PartitionReader, batch: Delivery[], outcomes: readonly Outcome[]): Promise<void> {
    const { maxAttempts, retryDelayMs, backend, group } = this.options;
    const settlements: Settlement[] = [];
    const letters: DeadLetter[] = [];
    batch.forEach((delivery, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.type === 'ack') settlements.push({ delivery, type: 'ack' });
      else if (outcome.type === 'nak' && delivery.attempt < maxAttempts) {
        settlements.push({ delivery, type: 'nak', delayMs: outcome.delayMs ?? retryDelayMs });
      } else {
        const reason =
          outcome.type === 'term' ? (outcome.reason ?? 'terminated') : `failed ${delivery.attempt} attempts`;
        const { key, id, payload, partition, position, attempt } = delivery;
        letters.push({ key, id, payload, partition, position, attempts: attempt, reason });
        settlements.push({ delivery, type: 'term' });
      }
    });
    if (letters.length > 0) await backend.deadLetter(group, letters);
    await reader.settle(settlements);
  }
}

const ack: Outcome = { type: 'ack' };

/** A counting semaphore. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
