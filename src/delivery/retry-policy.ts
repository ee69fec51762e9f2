/**
 * When to try a failed message again. Pure: the random draw comes in as an argument, so tests
 * pin it; the worker passes Math.random().
 */

export interface RetryPolicy {
  /** Attempts before a message that keeps failing transiently becomes a dead letter. */
  readonly maxAttempts: number;
  /** The first retry waits up to this long; each later one up to twice as long as the one before. */
  readonly baseDelayMs: number;
  /** No wait is longer than this (before `retryAfterMs`, which always wins). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 10 * 60_000 };

/**
 * Exponential backoff with full jitter (a uniform draw between 0 and the exponential cap), so
 * messages that failed together spread out instead of retrying in lockstep. A provider's
 * `retryAfterMs` is a floor.
 */
export function retryDelay(options: {
  policy: RetryPolicy;
  /** Attempts made so far, including the one that just failed (1 for the first failure). */
  attempts: number;
  /** A draw in [0, 1). */
  random: number;
  retryAfterMs?: number;
}): number {
  const { policy, attempts, random, retryAfterMs } = options;
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(Math.floor(random * cap), retryAfterMs ?? 0);
}

export type FailureVerdict =
  | { readonly next: 'retry'; readonly at: number }
  | { readonly next: 'dead' }
  | { readonly next: 'failed' };

/** What follows a failed attempt: a permanent error fails at once; a transient one retries until attempts run out. */
export function afterFailure(options: {
  policy: RetryPolicy;
  attempts: number;
  kind: 'transient' | 'permanent';
  retryAfterMs?: number;
  now: number;
  random: number;
}): FailureVerdict {
  if (options.kind === 'permanent') return { next: 'failed' };
  if (options.attempts >= options.policy.maxAttempts) return { next: 'dead' };
  return { next: 'retry', at: options.now + retryDelay(options) };
}
