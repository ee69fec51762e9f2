/**
 * Records a slice's outcomes as its sends finish rather than all at its end, so a process killed
 * mid-slice leaves few finished sends unrecorded (each such send to a provider that cannot dedupe
 * becomes "possibly sent"). One write at a time; outcomes that finish while it commits go together in
 * the next. A write waits for `minimum` outcomes, or for the oldest to have waited `maxWaitMs`, so a
 * fast provider costs few writes and a slow one leaves little unrecorded.
 */
export class OutcomeWriter<T> {
  private waiting: T[] = [];
  private writing: Promise<void> = Promise.resolve();
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(
    private readonly write: (outcomes: readonly T[]) => Promise<unknown>,
    private readonly options: { minimum: number; maxWaitMs: number } = { minimum: 16, maxWaitMs: 200 },
  ) {}

  add(outcome: T): void {
    this.waiting.push(outcome);
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
    if (this.busy || this.waiting.length === 0) return;
    if (this.waiting.length >= this.options.minimum) this.writeWaiting();
    else
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        if (!this.busy && this.waiting.length > 0) this.writeWaiting();
      }, this.options.maxWaitMs).unref();
  }

  private writeWaiting(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const outcomes = this.waiting;
    this.waiting = [];
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
