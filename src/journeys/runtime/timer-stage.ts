import { groupBy } from '../../shared/group-by.ts';
import type { RunRecord, TimerRecord } from '../../storage/journey-store.ts';
import type { Store } from '../../storage/store.ts';
import { JourneyBatch } from './journey-batch.ts';
import type { JourneyDefinitions } from './journey-definitions.ts';
import { DECIDE_TIMER_PREFIX } from './message-sends.ts';
import { type BatchCustomer, loadBatchCustomers, RunStepper } from './run-stepper.ts';

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
  const decisionTimers = timers.filter((t) => t.timerId.startsWith(DECIDE_TIMER_PREFIX));
  const runTimers = timers.filter((t) => !t.timerId.startsWith(DECIDE_TIMER_PREFIX));
  const runs = new Map<string, RunRecord>(
    (await store.journeys.getRuns(runTimers.map((t) => t.runId))).map((r) => [r.state.runId, r]),
  );
  for (const [workspaceId, list] of groupBy(timers, (t) => t.workspaceId)) {
    const customers = await loadBatchCustomers(
      store,
      workspaceId,
      list.map((t) => t.customerId),
      { waiting: false, historyOf: [], segments: definitions.readsSegments(workspaceId) },
    );
    await redecideScheduled({ store, batch, workspaceId, customers }, decisionTimers);
    for (const timer of list) {
      if (timer.timerId.startsWith(DECIDE_TIMER_PREFIX)) continue;
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
  await batch.decideMessages(store);
  return batch;
}

/** Decision timers: each `scheduled` message still waiting is decided again (one outbox read for the batch). */
async function redecideScheduled(
  context: { store: Store; batch: JourneyBatch; workspaceId: string; customers: Map<string, BatchCustomer> },
  timers: readonly TimerRecord[],
): Promise<void> {
  const { store, batch, workspaceId, customers } = context;
  const mine = timers.filter((t) => t.workspaceId === workspaceId);
  if (mine.length === 0) return;
  for (const timer of mine) batch.timerFired(timer.timerId);
  const keys = mine.map((t) => t.timerId.slice(DECIDE_TIMER_PREFIX.length, t.timerId.lastIndexOf(':')));
  for (const entry of await store.decisions.scheduledMessages(workspaceId, keys)) {
    const customer = customers.get(entry.customerId);
    if (customer) batch.redecide(entry, customer);
  }
}
