/**
 * A circuit breaker per provider: after `failureThreshold` transient failures in a row it opens
 * and messages for that provider wait instead of failing (they keep their attempts); after
 * `openMs` one probe goes through (half-open). The probe's success closes it; its failure opens
 * it again for twice as long, up to `maxOpenMs`. Time comes in as `now`.
 */

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly maxOpenMs: number;
  /**
   * While the probe is out, others wait at most this long (default 1 s): when the probe succeeds,
   * the backlog resumes at once rather than a whole open period later.
   */
  readonly probeWaitMs?: number;
}

export const DEFAULT_BREAKER: CircuitBreakerOptions = { failureThreshold: 10, openMs: 1_000, maxOpenMs: 10_000 };

export type BreakerState = 'closed' | 'open' | 'half_open';

export type BreakerAnswer = { readonly allowed: true } | { readonly allowed: false; readonly retryAt: number };

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private currentOpenMs: number;
  private opened = false;
  /** When the half-open probe went out; null when none is in flight. */
  private probeAt: number | null = null;

  constructor(private readonly options: CircuitBreakerOptions = DEFAULT_BREAKER) {
    this.currentOpenMs = options.openMs;
  }

  state(now: number): BreakerState {
    if (!this.opened) return 'closed';
    return now >= this.openedAt + this.currentOpenMs ? 'half_open' : 'open';
  }

  /** May a request go to the provider now? In half-open, only one at a time (the probe). */
  allow(now: number): BreakerAnswer {
    const state = this.state(now);
    if (state === 'closed') return { allowed: true };
    const reopensAt = this.openedAt + this.currentOpenMs;
    if (state === 'open') return { allowed: false, retryAt: reopensAt };
    // A probe whose answer never came (lost in a crash of its caller) gives way after another period.
    if (this.probeAt !== null && now < this.probeAt + this.currentOpenMs) {
      const retryAt = Math.min(this.probeAt + this.currentOpenMs, now + (this.options.probeWaitMs ?? 1_000));
      return { allowed: false, retryAt };
    }
    this.probeAt = now;
    return { allowed: true };
  }

  success(): void {
    this.failures = 0;
    this.opened = false;
    this.probeAt = null;
    this.currentOpenMs = this.options.openMs;
  }

  /** A transient failure (permanent ones say the provider is up and answering). */
  failure(now: number): void {
    if (this.opened) {
      // Only the probe's failure (or a straggler's) re-opens; each re-open waits twice as long.
      if (this.probeAt !== null) this.currentOpenMs = Math.min(this.currentOpenMs * 2, this.options.maxOpenMs);
      this.openedAt = now;
      this.probeAt = null;
      return;
    }
    this.failures += 1;
    if (this.failures >= this.options.failureThreshold) {
      this.opened = true;
      this.openedAt = now;
      this.probeAt = null;
    }
  }
}
