import { GodwitError, invalidInput } from '../../shared/errors.ts';
import type { Store } from '../../storage/store.ts';
import { type HoldoutLift, holdoutLift } from '../holdout-lift.ts';
import type { Policy } from '../policy-schema.ts';
import { holdoutBucket, inHoldout } from '../suppression-rules.ts';

/**
 * The holdout's lift for one conversion event over a window: every customer of the workspace (as it
 * is now) falls in the holdout or the treatment group by the policy's salt and percent, and counts
 * as converted with at least one such event in the window.
 */

export interface HoldoutReportQuery {
  readonly event: string;
  readonly since: number;
  readonly until: number;
}

export interface HoldoutReport extends HoldoutLift {
  readonly event: string;
  readonly since: string;
  readonly until: string;
  readonly percent: number;
  readonly classes: readonly string[];
  /** What makes the figures doubtful, in words (no one did the event: perhaps a misspelt name). */
  readonly warnings: readonly string[];
}

const PAGE = 10_000;
const DAY_MS = 86_400_000;
/** The longest window a report covers. */
export const MAX_WINDOW_DAYS = 366;

/** The window of `days` (default 30) ending at `until`. */
export function windowEnding(until: number, days = 30): { since: number; until: number } {
  return { since: until - days * DAY_MS, until };
}

export async function holdoutReport(
  store: Store,
  workspaceId: string,
  policy: Policy,
  query: HoldoutReportQuery,
): Promise<HoldoutReport> {
  const holdout = policy.holdout;
  if (!holdout || holdout.percent === 0) {
    throw new GodwitError('conflict', 'the policy holds no customers out: set holdout.percent to measure lift');
  }
  if (!(query.since < query.until)) throw invalidInput('since must be before until');
  if (query.until - query.since > MAX_WINDOW_DAYS * DAY_MS) {
    throw invalidInput(`the window is at most ${MAX_WINDOW_DAYS} days: move since or until`);
  }
  const converted = new Set(await store.decisions.convertedCustomers({ workspaceId, ...query }));
  const groups = { holdout: { customers: 0, converted: 0 }, treatment: { customers: 0, converted: 0 } };
  for (let after = ''; ; ) {
    const ids = await store.segments.customerIdsAfter(workspaceId, after, PAGE);
    for (const id of ids) {
      const group = inHoldout(holdoutBucket(id, holdout.salt), holdout.percent) ? groups.holdout : groups.treatment;
      group.customers += 1;
      if (converted.has(id)) group.converted += 1;
    }
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1] as string;
  }
  return {
    event: query.event,
    since: new Date(query.since).toISOString(),
    until: new Date(query.until).toISOString(),
    percent: holdout.percent,
    classes: holdout.classes,
    ...holdoutLift(groups.holdout, groups.treatment),
    warnings:
      converted.size === 0
        ? [`no customer did ${query.event} in the window; event names are matched exactly, case included`]
        : [],
  };
}
