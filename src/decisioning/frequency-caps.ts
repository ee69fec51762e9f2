import type { Channel, MessageClass } from '../delivery/channel-choice.ts';
import type { KnownSend, Reason } from './decision-types.ts';
import type { FrequencyCap } from './policy-schema.ts';

/**
 * Frequency caps over rolling windows (the last 24 hours, the last 7 days): no calendar edge to
 * game, and nothing to get wrong on a 23-hour day. A cap counts only the classes it names, so a
 * transactional receipt neither counts against nor is stopped by a marketing cap.
 */

const WINDOW_MS = { day: 86_400_000, week: 7 * 86_400_000 } as const;

export interface CapCheck {
  readonly at: number;
  readonly channel: Channel;
  readonly messageClass: MessageClass;
  readonly caps: readonly FrequencyCap[];
  readonly sends: readonly KnownSend[];
}

export interface CapResult {
  /** The first moment at or after `at` when every applicable cap has room. */
  readonly at: number;
  readonly reasons: readonly Reason[];
}

export function applyFrequencyCaps(check: CapCheck): CapResult {
  const reasons: Reason[] = [];
  let at = check.at;
  for (let round = 0; round < 8; round += 1) {
    let moved = false;
    for (const cap of check.caps) {
      if (!cap.classes.includes(check.messageClass)) continue;
      if (cap.channel !== undefined && cap.channel !== check.channel) continue;
      const held = roomAfter(cap, at, check.sends);
      if (held.until === at) continue;
      reasons.push({
        code: 'frequency_cap',
        channel: cap.channel ?? 'all',
        per: cap.per,
        max: cap.max,
        count: held.count,
        heldUntil: held.until,
      });
      at = held.until;
      moved = true;
    }
    if (!moved) return { at, reasons };
  }
  return { at, reasons };
}

/**
 * Sends this cap counts near `at`, and the first moment from `at` with room. Sends already
 * scheduled later count too: a send is allowed only if every window that would contain it keeps
 * within `max` (a delayed message at 09:00 tomorrow stops one at 20:00 tonight under a daily cap).
 */
function roomAfter(cap: FrequencyCap, at: number, sends: readonly KnownSend[]): { count: number; until: number } {
  const window = WINDOW_MS[cap.per];
  const counted = sends
    .filter((s) => cap.classes.includes(s.messageClass) && (cap.channel === undefined || s.channel === cap.channel))
    .map((s) => s.at)
    .sort((a, b) => a - b);
  // Counted within one window either side of `at` (those behind it, and those scheduled ahead).
  const count = counted.filter((t) => t > at - window && t < at + window).length;
  if (fits(counted, at, cap.max, window)) return { count, until: at };
  if (cap.max === 0) return { count, until: Number.POSITIVE_INFINITY };
  // Room returns when some send leaves a window: try those moments in order.
  const moments = counted.map((t) => t + window).filter((t) => t > at);
  const until = moments.find((t) => fits(counted, t, cap.max, window)) ?? Number.POSITIVE_INFINITY;
  return { count, until };
}

/**
 * Whether adding a send at `at` keeps every window (t − window, t] within `max`: the windows that
 * would hold it end at `at` or at a later send less than a window after it. Walks the sorted list
 * without allocating (this runs for every send the runtime decides).
 */
function fits(sorted: readonly number[], at: number, max: number, window: number): boolean {
  if (max === 0) return false;
  if (countIn(sorted, at - window, at) + 1 > max) return false;
  for (const t of sorted) {
    if (t <= at) continue;
    if (t >= at + window) break;
    if (countIn(sorted, t - window, t) + 1 > max) return false;
  }
  return true;
}

/** Sends in (from, to]. */
function countIn(sorted: readonly number[], from: number, to: number): number {
  let n = 0;
  for (const t of sorted) {
    if (t > to) break;
    if (t > from) n += 1;
  }
  return n;
}
