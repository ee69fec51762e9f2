/**
 * Records a slice's outcomes as its sends finish rather than all at its end, so a process killed
 * mid-slice leaves few finished sends unrecorded: each such send to a provider that cannot dedupe
 * becomes "possibly sent". Only those outcomes are urgent (a provider that dedupes is simply asked
 * again): a write starts once `minimum` urgent ones wait, or the oldest has waited `maxWaitMs`, and
 * takes every outcome waiting; the rest wait for `flush`. One write at a time, so outcomes finishing
 * while it commits go together in the next.
 */
export class OutcomeWriter<T> {
  private waiting: T[] = [];
  private urgent = 0;
  private writing: Promise<void> = Promise.resolve();
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(
    private readonly write: (outcomes: readonly T[]) => Promise<unknown>,
    private readonly options: { minimum: number; maxWaitMs: number } = { minimum: 32, maxWaitMs: 200 },
  ) {}

  add(outcome: T, urgent = true): void {
    this.waiting.push(outcome);
    if (!urgent) return;
    this.urgent += 1;
    this.writeWhenDue();
  }

  /**
   * Writes what is left; throws the first write's failure, if any, once the rest are written (a failed
   * write's claims expire and are recovered, as when a slice's one write failed).
   */
  async flush(): Promise<void> {
    while (this.busy || this.waiting.length > 0) {
      if (!this.busy) this.writeWaiting();
      await this.writing;
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private writeWhenDue(): void {
    if (this.busy || this.urgent === 0) return;
    if (this.urgent >= this.options.minimum) this.writeWaiting();
    else
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        if (!this.busy && this.urgent > 0) this.writeWaiting();
      }, this.options.maxWaitMs).unref();
  }

  private writeWaiting(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const outcomes = this.waiting;
    this.waiting = [];
    this.urgent = 0;
    this.busy = true;
    const done = () => {
      this.busy = false;
      this.writeWhenDue();
    };
    this.writing = this.write(outcomes).then(done, (error: unknown) => {
      this.failure ??= error;
      done();
    });
  }
}
