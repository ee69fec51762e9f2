import { performance } from 'node:perf_hooks';

/** Requests get half as much again as they used lately, so a rising load finds the loop free. */
const HEADROOM = 1.5;
/** Pauses shorter than this share of a slice are not worth a timer. */
const FULL_SPEED = 0.95;

/** Cumulative event-loop time, busy and idle, in ms (what performance.eventLoopUtilization() reports). */
export type LoopTime = () => { active: number; idle: number };

const eventLoopTime: LoopTime = () => performance.eventLoopUtilization();

/**
 * The event-loop time every background slice of the process has used, in ms. Each pacer counts
 * all of it as background, not just its own, so two background loops (profiles, journeys) do not
 * mistake each other for request load and hold each other back to their minimum share.
 */
export class BackgroundLedger {
  totalMs = 0;
}

const processLedger = new BackgroundLedger();

/**
 * Paces background work that shares the event loop with requests (profile folding next to
 * ingestion). Background slices use whatever the rest of the process leaves of the loop, and when
 * the rest saturates it they keep `minShare`, so acknowledging requests is not slowed by work
 * that can catch up later. The rest's load is the loop's busy time minus the slices' own.
 */
export class BackgroundPacer {
  private last: { active: number; idle: number };
  private othersLoad = 0;

  private lastBackgroundMs: number;

  constructor(
    private readonly minShare: number,
    private readonly loopTime: LoopTime = eventLoopTime,
    private readonly ledger: BackgroundLedger = processLedger,
    /** Give way to other background loops too, as to requests (delivery behind the stages that feed it). */
    private readonly yieldsToBackground = false,
  ) {
    this.last = loopTime();
    this.lastBackgroundMs = ledger.totalMs;
  }

  /**
   * Called after a slice of `sliceMs`; how long to wait before the next one. `otherBottleneck` (0 to
   * 1) is how saturated something else the requests need is, such as the database's write slots.
   */
  pauseAfter(sliceMs: number, otherBottleneck = 0): number {
    const now = this.loopTime();
    const activeMs = now.active - this.last.active;
    const cycleMs = activeMs + now.idle - this.last.idle;
    this.last = { active: now.active, idle: now.idle };
    if (cycleMs <= 0) return 0;
    this.ledger.totalMs += sliceMs;
    const backgroundMs = this.yieldsToBackground ? sliceMs : this.ledger.totalMs - this.lastBackgroundMs;
    this.lastBackgroundMs = this.ledger.totalMs;
    const others = Math.max(0, (activeMs - backgroundMs) / cycleMs, otherBottleneck);
    // Smoothed over a few slices so one quiet or busy moment does not swing the pace.
    this.othersLoad = 0.5 * this.othersLoad + 0.5 * others;
    const share = Math.max(this.minShare, 1 - HEADROOM * this.othersLoad);
    return share >= FULL_SPEED ? 0 : (sliceMs * (1 - share)) / share;
  }
}
