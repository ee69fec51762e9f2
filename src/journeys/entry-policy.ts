import { assertNever } from './assert-never.ts';
import { addDuration, parseDuration } from './duration.ts';
import type { EntryPolicy } from './journey-schema.ts';

/** A customer's earlier run of the same journey (any version). */
export interface PastRun {
  readonly startedAt: number;
  readonly finished: boolean;
}

export type EntryDecision =
  | { readonly enter: true }
  | { readonly enter: false; readonly reason: 'already_entered' | 'entered_this_period' | 'run_in_progress' };

export interface EntryQuestion {
  readonly entry: EntryPolicy;
  readonly runs: readonly PastRun[];
  readonly now: number;
  /** Periods of days count in the customer's zone, like waits. */
  readonly timeZone: string;
}

/** Whether a trigger that matched may start a new run for this customer. */
export function decideEntry(question: EntryQuestion): EntryDecision {
  const { entry, runs, now, timeZone } = question;
  if (!entry.allowConcurrent && runs.some((run) => !run.finished)) return { enter: false, reason: 'run_in_progress' };
  switch (entry.policy) {
    case 'once':
      return runs.length > 0 ? { enter: false, reason: 'already_entered' } : { enter: true };
    case 'once_per_period': {
      const period = parseDuration(entry.period);
      const recent = runs.some((run) => addDuration(run.startedAt, period, timeZone) > now);
      return recent ? { enter: false, reason: 'entered_this_period' } : { enter: true };
    }
    case 'every_time':
      return { enter: true };
    default:
      return assertNever(entry);
  }
}
