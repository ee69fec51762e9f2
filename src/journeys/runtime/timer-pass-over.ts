import type { Logger } from 'pino';
import type { withRetries } from '../../storage/with-retries.ts';

type Tried = Awaited<ReturnType<typeof withRetries>>;

/** How long a timer that keeps failing waits before it is tried again. */
export const POSTPONE_FAILING_TIMER_MS = 60 * 60_000;

/** What one runtime's timers of one kind (run timers, trigger timers) are fired with. */
export interface TimerPassOverOptions {
  /** `withRetries` with the runtime's store, delays and stop signal. */
  retrying: (attempt: () => Promise<void>, maxAttempts: number) => Promise<Tried>;
  maxAttempts: number;
  logger?: Logger;
  /** The longest a batch spends on timers one at a time before it hands back, so events get their turn (10 s). */
  aloneSliceMs?: number;
  /** Milliseconds, for the slice above (performance.now). */
  elapsed?: () => number;
}

/** How a runtime fires, puts off and names one kind of timer. */
export interface TimerHandling<T> {
  /** Steps these timers and commits the batch; throws when that fails. */
  fire: (timers: readonly T[]) => Promise<void>;
  /** Puts the timer off for `POSTPONE_FAILING_TIMER_MS`. */
  postpone: (timer: T) => Promise<void>;
  /** Names the timer in the log. */
  describe: (timer: T) => Record<string, unknown>;
}

/**
 * Fires due timers: the batch whole, and if it keeps failing while the store answers (a bug meeting
 * some timers' data), one at a time; a timer that fails twice alone is put off for an hour with an
 * error in the log. Without that it would stay first in due order and hold back every other due timer
 * for good. Once a batch has needed that, the next batches go one at a time too (their whole tries
 * would fail the same way) until one goes through without a failure; and a batch taken one at a time
 * hands back after `aloneSliceMs`, the rest waiting for the next slice.
 */
export class TimerPassOver {
  private alone = false;

  constructor(private readonly options: TimerPassOverOptions) {}

  /** How many timers were handled: fired, or put off (0 when stopped part way). */
  async fire<T>(timers: readonly T[], how: TimerHandling<T>): Promise<number> {
    const { retrying, maxAttempts, logger } = this.options;
    if (!this.alone) {
      const whole = await retrying(() => how.fire(timers), maxAttempts);
      if (whole.ok || whole.aborted) return whole.ok ? timers.length : 0;
      this.alone = true;
    }
    // Alone, two tries tell a timer that fails on its own from a passing fault, and keep a fault that meets many
    // timers (one journey's) from costing `maxAttempts` waits each.
    const aloneAttempts = Math.min(2, maxAttempts);
    const elapsed = this.options.elapsed ?? (() => performance.now());
    const until = elapsed() + (this.options.aloneSliceMs ?? 10_000);
    let handled = 0;
    let failed = 0;
    for (const timer of timers) {
      if (handled > 0 && elapsed() > until) return handled;
      const alone = await retrying(() => how.fire([timer]), aloneAttempts);
      if (!alone.ok && alone.aborted) return 0;
      if (!alone.ok) {
        failed += 1;
        logger?.error(
          { err: alone.error, ...how.describe(timer) },
          `journeys postponed a timer by an hour after ${aloneAttempts} failed attempts on its own; the other timers went on`,
        );
        // Uncounted: only a stop ends this, so the timer is never left first in line.
        const moved = await retrying(() => how.postpone(timer), 1e9);
        if (!moved.ok) return 0;
      }
      handled += 1;
    }
    if (failed === 0) this.alone = false;
    return handled;
  }
}
