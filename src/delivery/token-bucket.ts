/**
 * A provider's rate limit: `ratePerSecond` sustained with bursts of `burst`. `reserve` takes a
 * token now or books the next free one, returning how long to wait for it; a wait longer than
 * the caller will accept is handed back with `cancel`. Time comes in as `now`.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number | null = null;

  constructor(
    readonly ratePerSecond: number,
    private readonly burst: number = Math.max(1, ratePerSecond),
  ) {
    this.tokens = burst;
  }

  /** Milliseconds until the booked token is due (0: go now). */
  reserve(now: number): number {
    this.refill(now);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.ratePerSecond);
  }

  /** Gives back a token booked by `reserve` and not used. */
  cancel(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  private refill(now: number): void {
    if (this.updatedAt !== null && now > this.updatedAt) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.ratePerSecond) / 1000);
    }
    if (this.updatedAt === null || now > this.updatedAt) this.updatedAt = now;
  }
}
