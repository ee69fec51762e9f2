import { JourneyBatch } from '../journeys/runtime/journey-batch.ts';
import type { Store } from '../storage/store.ts';

/** Tries are kept in one cursor row per partition: position = seq × TRY_BASE + tries. */
const TRY_BASE = 1_000;

/**
 * Counts how many owners in a row started on the same event of a partition without committing it
 * — a message that crashes its worker (kill, out of memory) rather than failing, which the bus's
 * per-epoch attempts do not see. Called once per ownership (epoch) with the first event not yet
 * committed: the same event as last time is one more try, another event starts again at 1.
 * One read and one write per change of owner, nothing per batch.
 */
export async function countTry(options: {
  store: Store;
  name: string;
  owner: string;
  now: number;
  leaseMs: number;
  seq: number;
}): Promise<number> {
  const { store, name, owner, now, leaseMs, seq } = options;
  const stored = await store.acquireCursor({ name, owner, now, leaseMs });
  if (stored === undefined) throw new Error(`${name} is held by another worker`);
  const tries = Math.floor(stored / TRY_BASE) === seq ? (stored % TRY_BASE) + 1 : 1;
  const cursor = { name, position: seq * TRY_BASE + Math.min(tries, TRY_BASE - 1), owner };
  await store.journeys.applyJourneyChange(new JourneyBatch(now).change(cursor));
  await store.releaseCursor(name, owner);
  return tries;
}
