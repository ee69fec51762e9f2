import type { Logger } from 'pino';
import type { withRetries } from '../../storage/with-retries.ts';

type Tried = Awaited<ReturnType<typeof withRetries>>;

/** How long a timer that keeps failing waits before it is tried again. */
export const POSTPONE_FAILING_TIMER_MS = 60 * 60_000;

/**
 * Fires due timers (run timers or trigger timers): the batch whole, and if it keeps failing while the
 * store answers (a bug meeting one timer's data), one at a time; a timer that fails twice alone is
 * postponed by an hour, with an error in the log. Without that it would stay first in due order and
 * hold back every other due timer, for good. Returns how many were handled (0 when stopped part way).
 */
export async function fireWithPassOver<T>(options: {
  timers: readonly T[];
  /** Steps these timers and commits the batch; throws when that fails. */
  fire: (timers: readonly T[]) => Promise<void>;
  /** Puts the timer off for `POSTPONE_FAILING_TIMER_MS`. */
  postpone: (timer: T) => Promise<void>;
  /** `withRetries` with the runtime's store, delays and stop signal. */
  retrying: (attempt: () => Promise<void>, maxAttempts: number) => Promise<Tried>;
  maxAttempts: number;
  /** Names the timer in the log. */
  describe: (timer: T) => Record<string, unknown>;
  logger?: Logger;
}): Promise<number> {
  const { timers, fire, retrying, maxAttempts } = options;
  const whole = await retrying(() => fire(timers), maxAttempts);
  if (whole.ok || whole.aborted) return whole.ok ? timers.length : 0;
  // The batch has used its tries; alone, two tell a timer that fails on its own from a passing fault, and keep a
  // fault that meets many timers (one journey's) from costing `maxAttempts` waits each.
  const aloneAttempts = Math.min(2, maxAttempts);
  for (const timer of timers) {
    const alone = await retrying(() => fire([timer]), aloneAttempts);
    if (alone.ok) continue;
    if (alone.aborted) return 0;
    options.logger?.error(
      { err: alone.error, ...options.describe(timer) },
      `journeys postponed a timer by an hour after ${aloneAttempts} failed attempts on its own; the other timers went on`,
    );
    // Uncounted: only a stop ends this, so the timer is never left first in line.
    const moved = await retrying(() => options.postpone(timer), 1e9);
    if (!moved.ok) return 0;
  }
  return timers.length;
}
