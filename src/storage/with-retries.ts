import { LeaseLostError } from './lease-lost-error.ts';
import type { Store } from './store.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, waiting out store outages without counting them: after a
 * failure the store is asked a trivial question, and only if it answers was the failure the
 * work's own (counted; after `maxAttempts` the last error is returned). Undefined error = done.
 */
export async function withRetries(options: {
  attempt: () => Promise<void>;
  store: Store;
  maxAttempts: number;
  retryDelayMs: number;
  signal: AbortSignal;
  onError?: (error: unknown, counted: boolean) => void;
}): Promise<{ ok: true } | { ok: false; error: unknown; aborted: boolean }> {
  let failures = 0;
  for (;;) {
    if (options.signal.aborted) return { ok: false, error: new Error('partition lost'), aborted: true };
    try {
      await options.attempt();
      return { ok: true };
    } catch (error) {
      // A lapsed lease is taken again on the next attempt; it says nothing about the work.
      const counted = !(error instanceof LeaseLostError) && (await storeAnswers(options.store));
      options.onError?.(error, counted);
      if (counted) failures += 1;
      if (failures >= options.maxAttempts) return { ok: false, error, aborted: false };
      await sleep(counted ? options.retryDelayMs : 500);
    }
  }
}

async function storeAnswers(store: Store): Promise<boolean> {
  try {
    await store.lastEventSeq();
    return true;
  } catch {
    return false;
  }
}
