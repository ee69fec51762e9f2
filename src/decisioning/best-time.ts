import { instantOf, localDateTime } from '../journeys/local-time.ts';
import { sampleBeta } from './beta-model.ts';
import { HOURS_OF_WEEK, type HourlyCounts, type SlotScore } from './decision-types.ts';
import { hourOfWeekOfWall, zoneClock } from './zone-clock.ts';

/**
 * Best time within a window: each local hour in the window is a slot (hour of week in the
 * customer's zone). A slot's rate is the customer's own counts there, shrunk toward the
 * population's rate for that hour scaled by the customer's overall lift:
 *
 *   lift  = (R + k) / (E + k)          R responses, E responses the population rates predict, k = 5
 *   rate  = (s · pop[h] · lift + r[h]) / (s + n[h])      s = hourStrength
 *
 * So a customer with no history gets the population's best hour, and one whose responses cluster
 * at 07:00 moves there once their own evidence outweighs `s` sends.
 *
 * The slot is picked by expected value by default, not by sampling: the population shape is
 * learned from everyone's sends, so there is little left to explore per customer, while sampling
 * 24 wide posteriors would spend most sends of a sparse customer at hours that are plainly worse
 * (the bench compares both: `--time sample`).
 */

const HOUR_MS = 3_600_000;
const LIFT_STRENGTH = 5;

export function hourOfWeek(instant: number, timeZone: string): number {
  const local = localDateTime(instant, timeZone);
  return local.weekday * 24 + local.hour;
}

/** `now`, then the start of every later local hour before `now + windowMs` (DST gaps skipped). */
export function candidateSlots(now: number, windowMs: number, timeZone: string): number[] {
  const clock = zoneClock(now, now + windowMs, timeZone);
  if (clock.fixedOffset !== undefined) {
    const slots = [now];
    const wall = clock.wall(now);
    for (
      let at = Math.floor(wall / HOUR_MS) * HOUR_MS + HOUR_MS - clock.fixedOffset;
      at < now + windowMs;
      at += HOUR_MS
    ) {
      slots.push(at);
    }
    return slots;
  }
  const local = localDateTime(now, timeZone);
  const slots = [now];
  for (let k = 1; k <= Math.ceil(windowMs / HOUR_MS) + 2; k += 1) {
    const at = instantOf({ ...local, hour: local.hour + k, minute: 0, second: 0 }, timeZone);
    if (at >= now + windowMs) break;
    if (at > (slots.at(-1) as number)) slots.push(at);
  }
  return slots;
}

/** The customer's lift over the population, shrunk toward 1 (Gamma-Poisson on expected responses). */
export function customerLift(hours: HourlyCounts | undefined, populationRates: ArrayLike<number>): number {
  if (!hours) return 1;
  let responses = 0;
  let expected = 0;
  for (let h = 0; h < HOURS_OF_WEEK; h += 1) {
    responses += hours.responses[h] ?? 0;
    expected += (hours.sends[h] ?? 0) * (populationRates[h] ?? 0);
  }
  return liftOf(responses, expected);
}

/** `responses` seen against `expected` by the population's rates, shrunk toward 1. */
export function liftOf(responses: number, expected: number): number {
  return (responses + LIFT_STRENGTH) / (expected + LIFT_STRENGTH);
}

/** One slot's smoothed rate: the customer's counts there against `strength` sends at the prior mean. */
export function smoothedSlotRate(priorMean: number, strength: number, sends: number, responses: number): number {
  return (strength * priorMean + responses) / (strength + sends);
}

export interface SlotOptions {
  readonly slots: readonly number[];
  readonly timeZone: string;
  readonly hours?: HourlyCounts;
  readonly populationRates?: ArrayLike<number>;
  readonly hourStrength: number;
  readonly choice: 'expected' | 'sample';
  readonly random: () => number;
}

export interface SlotChoice {
  readonly chosen: SlotScore;
  readonly slots: readonly SlotScore[];
}

export function chooseSlot(options: SlotOptions): SlotChoice {
  const population = options.populationRates ?? new Array<number>(HOURS_OF_WEEK).fill(0.1);
  const lift = customerLift(options.hours, population);
  const first = options.slots[0] ?? 0;
  const clock = zoneClock(first, options.slots.at(-1) ?? first, options.timeZone);
  const s = options.hourStrength;
  let best: { score: number; slot: SlotScore } | undefined;
  let ties = 0;
  const slots: SlotScore[] = [];
  for (const at of options.slots) {
    const h = hourOfWeekOfWall(clock.wall(at));
    const populationRate = population[h] ?? 0;
    const sends = options.hours?.sends[h] ?? 0;
    const responses = Math.min(sends, options.hours?.responses[h] ?? 0);
    const priorMean = Math.min(0.99, populationRate * lift);
    const rate = smoothedSlotRate(priorMean, s, sends, responses);
    const slot = { at, hourOfWeek: h, populationRate, sends, responses, rate };
    const score =
      options.choice === 'expected'
        ? rate
        : sampleBeta(
            { alpha: s * priorMean + responses + 1e-6, beta: s * (1 - priorMean) + sends - responses },
            options.random,
          );
    slots.push(slot);
    // Exact ties (no data anywhere yet) go to a random slot, so a cold start spreads its sends over
    // the window and learns every hour instead of piling onto the first.
    if (!best || score > best.score) {
      best = { score, slot };
      ties = 1;
    } else if (score === best.score) {
      ties += 1;
      if (options.random() * ties < 1) best = { score, slot };
    }
  }
  if (!best) throw new Error('chooseSlot needs at least one slot');
  return { chosen: best.slot, slots };
}

/**
 * The population's rate per hour of week from summed counts, shrunk in two levels: each hour of
 * week toward that hour of day across all weekdays, and each hour of day toward the overall rate.
 * So a Tuesday 19:00 never seen yet starts at what 19:00 did on the other days (the first week
 * otherwise learns every weekday from scratch), and weekday differences show once there is data.
 */
export function populationHourRates(hours: HourlyCounts, strength = 100): Float64Array {
  const daySends = new Float64Array(24);
  const dayResponses = new Float64Array(24);
  let sends = 0;
  let responses = 0;
  for (let h = 0; h < HOURS_OF_WEEK; h += 1) {
    const n = hours.sends[h] ?? 0;
    const r = hours.responses[h] ?? 0;
    daySends[h % 24] = (daySends[h % 24] as number) + n;
    dayResponses[h % 24] = (dayResponses[h % 24] as number) + r;
    sends += n;
    responses += r;
  }
  const overall = sends > 0 ? responses / sends : 0.1;
  const rates = new Float64Array(HOURS_OF_WEEK);
  for (let h = 0; h < HOURS_OF_WEEK; h += 1) {
    const d = h % 24;
    const hourOfDay = ((dayResponses[d] as number) + strength * overall) / ((daySends[d] as number) + strength);
    rates[h] = ((hours.responses[h] ?? 0) + strength * hourOfDay) / ((hours.sends[h] ?? 0) + strength);
  }
  return rates;
}
