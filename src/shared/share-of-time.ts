import { performance } from 'node:perf_hooks';

/**
 * The share of recent time a condition held (say, every write slot busy), measured over windows of
 * about a second: the last complete window's share until the current one has run a quarter.
 */
export class ShareOfTime {
  private since: number | undefined;
  private heldMs = 0;
  private windowStart: number;
  private previous = 0;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly windowMs = 1000,
  ) {
    this.windowStart = now();
  }

  set(held: boolean): void {
    const t = this.now();
    this.roll(t);
    if (held && this.since === undefined) this.since = t;
    if (!held && this.since !== undefined) {
      this.heldMs += t - this.since;
      this.since = undefined;
    }
  }

  get share(): number {
    const t = this.now();
    this.roll(t);
    const span = t - this.windowStart;
    return span < this.windowMs / 4 ? this.previous : this.heldUntil(t) / span;
  }

  private heldUntil(t: number): number {
    return this.heldMs + (this.since === undefined ? 0 : t - this.since);
  }

  private roll(t: number): void {
    if (t - this.windowStart < this.windowMs) return;
    this.previous = this.heldUntil(t) / (t - this.windowStart);
    this.windowStart = t;
    this.heldMs = 0;
    if (this.since !== undefined) this.since = t;
  }
}
