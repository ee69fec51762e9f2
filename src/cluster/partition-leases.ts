import type { Store } from '../storage/store.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A worker's hold on the store side of the partitions it owns on the bus: one cursor per
 * partition (`<group>:p<n>`, the log position of the last event whose effects committed) under a
 * lease, and a turn per partition so its events and its timers never run at once. The cursor
 * lease fences writes: a worker that lost a partition cannot commit for it any more, and the
 * next owner starts once the old one's lease is given back or has lapsed.
 */
export class PartitionLeases {
  private readonly turns = new Map<number, Promise<unknown>>();
  private readonly held = new Set<number>();
  /** Position and renewal time per held partition: within a third of the lease no query is needed. */
  private readonly known = new Map<number, { position: number; renewedAt: number }>();

  constructor(
    private readonly options: { store: Store; group: string; owner: string; leaseMs: number; now: () => number },
  ) {}

  cursorName(partition: number): string {
    return `${this.options.group}:p${partition}`;
  }

  /** Runs `work` after every earlier call for the same partition. */
  inTurn<T>(partition: number, work: () => Promise<T>): Promise<T> {
    const run = (this.turns.get(partition) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.turns.set(partition, tail);
    void tail.then(() => {
      if (this.turns.get(partition) === tail) this.turns.delete(partition);
    });
    return run;
  }

  /**
   * Takes or renews the partition's cursor lease and returns its position, waiting while another
   * worker still holds it; undefined if `signal` aborts first.
   */
  async acquire(partition: number, signal: AbortSignal): Promise<number | undefined> {
    for (;;) {
      if (signal.aborted) return undefined;
      const position = await this.tryAcquire(partition);
      if (position !== undefined) return position;
      await sleep(Math.min(250, this.options.leaseMs / 4));
    }
  }

  /** Takes or renews the lease once; undefined while another worker holds it. */
  async tryAcquire(partition: number): Promise<number | undefined> {
    const { store, owner, leaseMs, now } = this.options;
    const at = now();
    const cached = this.known.get(partition);
    if (cached && at - cached.renewedAt < leaseMs / 3) return cached.position;
    const position = await store.acquireCursor({ name: this.cursorName(partition), owner, now: at, leaseMs });
    if (position === undefined) {
      this.known.delete(partition);
      return undefined;
    }
    this.held.add(partition);
    this.known.set(partition, { position, renewedAt: at });
    return position;
  }

  /**
   * The partition's cursor moved to `position` in a commit of ours. Commits are fenced on the lease
   * (LeaseLostError if another owns it), so the cached position can only be ours.
   */
  advanced(partition: number, position: number): void {
    const cached = this.known.get(partition);
    if (cached) cached.position = position;
  }

  /** After a failed write: ask the store again next time. */
  forget(partition: number): void {
    this.known.delete(partition);
  }

  /** Gives back every lease this worker took, so the next owners start at once. */
  async releaseAll(): Promise<void> {
    for (const partition of this.held)
      await this.options.store.releaseCursor(this.cursorName(partition), this.options.owner);
    this.held.clear();
    this.known.clear();
  }
}
