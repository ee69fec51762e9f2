import type { JourneyChange, NodeCount, RunRecord, TimerRecord, TriggerTimerUpdate } from './journey-store.ts';

/**
 * A JourneyChange as every adapter writes it: each run once (its last state), no timer both set
 * and cancelled, one row per count key. Adapters differ only in how they send the rows.
 */
export interface SettledJourneyChange {
  runs: RunRecord[];
  deleteTimers: string[];
  addTimers: TimerRecord[];
  counts: NodeCount[];
  /** One per pair: its last update. */
  triggerTimers: TriggerTimerUpdate[];
  dropTriggers: { workspaceId: string; journeyId: string }[];
}

export function settleJourneyChange(change: JourneyChange): SettledJourneyChange {
  // A timer set and cancelled within the same batch of steps must not be left behind.
  const deleted = new Set(change.deleteTimers);
  return {
    runs: lastOfEachRun(change.runs),
    deleteTimers: change.deleteTimers,
    addTimers: change.addTimers.filter((timer) => !deleted.has(timer.timerId)),
    counts: sumCounts(change.counts),
    triggerTimers: lastOfEachPair(change.triggerTimers ?? []),
    dropTriggers: change.dropTriggers ?? [],
  };
}

/** A run stepped twice in one batch appears twice; its last state wins (PostgreSQL refuses to upsert a row twice). */
function lastOfEachRun(runs: readonly RunRecord[]): RunRecord[] {
  const byId = new Map<string, RunRecord>();
  for (const run of runs) {
    byId.delete(run.state.runId);
    byId.set(run.state.runId, run);
  }
  return [...byId.values()];
}

/** One row per key: a statement may not update the same row twice. */
function sumCounts(counts: readonly NodeCount[]): NodeCount[] {
  const byKey = new Map<string, NodeCount>();
  for (const c of counts) {
    const key = [c.workspaceId, c.journeyId, c.version, c.nodeId, c.kind, c.branch].join('\u0000');
    const seen = byKey.get(key);
    if (seen) seen.count += c.count;
    else byKey.set(key, { ...c });
  }
  return [...byKey.values()];
}

/** A pair set twice in one batch (an identify, then its timer firing) keeps the last. */
function lastOfEachPair(updates: readonly TriggerTimerUpdate[]): TriggerTimerUpdate[] {
  const byKey = new Map<string, TriggerTimerUpdate>();
  for (const update of updates) {
    const key = [update.workspaceId, update.journeyId, update.customerId ?? ''].join('\u0000');
    byKey.delete(key);
    byKey.set(key, update);
  }
  return [...byKey.values()];
}
