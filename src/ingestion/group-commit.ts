import { ShareOfTime } from '../shared/share-of-time.ts';

interface Waiter<T> {
  items: readonly T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Batches the writes of many concurrent callers into one transaction each, and resolves every
 * caller only after the transaction holding its items has committed (DESIGN.md, group commit).
 */
export class GroupCommit<T> {
  private pending: Waiter<T>[] = [];
  private inFlight = 0;
  private readonly slotsFull = new ShareOfTime();

  constructor(
    private readonly write: (items: T[]) => Promise<unknown>,
    private readonly options: { concurrency: number; maxItems: number },
  ) {}

  submit(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      // Let the requests already read in this turn join the same transaction.
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  get queued(): number {
    return this.pending.reduce((n, w) => n + w.items.length, 0);
  }

  /** The share of recent time every write slot was busy: near 1 when the store is the bottleneck. */
  get saturation(): number {
    return this.slotsFull.share;
  }

  private flush(): void {
    while (this.inFlight < this.options.concurrency && this.pending.length > 0) {
      const batch = this.takeBatch();
      this.inFlight += 1;
      this.slotsFull.set(this.inFlight >= this.options.concurrency);
      this.write(batch.flatMap((w) => w.items)).then(
        () => this.settle(batch, (w) => w.resolve()),
        (error: unknown) => this.settle(batch, (w) => w.reject(error)),
      );
    }
  }

  private takeBatch(): Waiter<T>[] {
    let count = 0;
    let taken = 0;
    while (
      taken < this.pending.length &&
      (taken === 0 || count + (this.pending[taken]?.items.length ?? 0) <= this.options.maxItems)
    ) {
      count += this.pending[taken]?.items.length ?? 0;
      taken += 1;
    }
    return this.pending.splice(0, taken);
  }

  private settle(batch: Waiter<T>[], finish: (w: Waiter<T>) => void): void {
    this.inFlight -= 1;
    this.slotsFull.set(this.inFlight >= this.options.concurrency);
    for (const waiter of batch) finish(waiter);
    this.flush();
  }
}
