import { groupBy } from '../../shared/group-by.ts';
import type { RunRecord, TimerRecord } from '../../storage/journey-store.ts';
import type { Store } from '../../storage/store.ts';
import { JourneyBatch } from './journey-batch.ts';
import type { JourneyDefinitions } from './journey-definitions.ts';
import { loadBatchCustomers, RunStepper } from './run-stepper.ts';

/**
 * Fires due timers: each resumes its run (a stale one, whose run moved on or finished, is just
 * removed). Returns the batch; the caller commits it.
 */
export async function runTimerStage(
  context: { store: Store; definitions: JourneyDefinitions; now: number },
  timers: readonly TimerRecord[],
): Promise<JourneyBatch> {
  const { store, definitions, now } = context;
  const batch = new JourneyBatch(now);
  const stepper = new RunStepper(definitions, batch, now);
  const runs = new Map<string, RunRecord>(
    (await store.journeys.getRuns(timers.map((t) => t.runId))).map((r) => [r.state.runId, r]),
  );
  for (const [workspaceId, list] of groupBy(timers, (t) => t.workspaceId)) {
    const customers = await loadBatchCustomers(
      store,
      workspaceId,
      list.map((t) => t.customerId),
      { waiting: false, historyOf: [], segments: definitions.readsSegments(workspaceId) },
    );
    for (const timer of list) {
      batch.timerFired(timer.timerId);
      const run = runs.get(timer.runId);
      const customer = customers.get(run?.state.customerId ?? timer.customerId);
      if (!run || !customer || run.state.status === 'finished') continue;
      const after = await stepper.resume(
        customer,
        run,
        { type: 'timer_fired', timerId: timer.timerId, segments: customer.segments },
        timer.timerId,
      );
      if (after) runs.set(timer.runId, after);
    }
  }
  return batch;
}
