import { GodwitError, invalidInput } from '../shared/errors.ts';
import type { JourneyStatus } from '../storage/journey-store.ts';

/**
 * Which status changes a journey may make.
 *
 * ```
 *  draft ──▶ live ◀──▶ paused
 *    │        │          │
 *    └────────┴──────────┴──▶ archived (final)
 * ```
 * A journey that has left draft never returns to it (pause it instead), and an archived journey
 * stays archived: its id is retired, so history and counts keep meaning what they meant.
 */
const ALLOWED: Readonly<Record<JourneyStatus, readonly JourneyStatus[]>> = {
  draft: ['live', 'archived'],
  live: ['paused', 'archived'],
  paused: ['live', 'archived'],
  archived: [],
};

export const JOURNEY_STATUSES = ['draft', 'live', 'paused', 'archived'] as const satisfies readonly JourneyStatus[];

/**
 * A journey begins as a draft or goes straight live; paused and archived are reached from there. Only
 * `apply` creates others: an exported paused or archived journey has been live where it came from.
 */
export const NEW_JOURNEY_STATUSES = ['draft', 'live'] as const satisfies readonly JourneyStatus[];

/** A 400 when a journey would be created paused or archived, having never been live. */
export function checkNewStatus(journeyId: string, status: JourneyStatus): void {
  if ((NEW_JOURNEY_STATUSES as readonly JourneyStatus[]).includes(status)) return;
  throw invalidInput(
    `status: a new journey is ${NEW_JOURNEY_STATUSES.join(' or ')}, not ${status} (journey ${journeyId} does not exist yet)`,
  );
}

/** A 409 that says what the journey may do instead, when `from → to` is not allowed. */
export function checkStatusChange(journeyId: string, from: JourneyStatus, to: JourneyStatus): void {
  if (from === to || ALLOWED[from].includes(to)) return;
  if (from === 'archived') throw archivedConflict(journeyId);
  const allowed = ALLOWED[from].join(' or ');
  const hint = to === 'draft' ? ' (a journey that has been live cannot return to draft; pause it instead)' : '';
  throw new GodwitError('conflict', `journey ${journeyId} is ${from}; it can only become ${allowed}${hint}`);
}

export function archivedConflict(journeyId: string): GodwitError {
  return new GodwitError('conflict', `journey ${journeyId} is archived, and archived journeys do not change`);
}

/**
 * The status an update leaves a journey in. `draft` is what a definition says when it says
 * nothing (the schema's default), so on a journey that has left draft it keeps the current status.
 */
export function statusAfterUpdate(current: JourneyStatus, requested: JourneyStatus): JourneyStatus {
  return requested === 'draft' && current !== 'draft' ? current : requested;
}
