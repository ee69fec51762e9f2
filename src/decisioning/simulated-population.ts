import type { Channel } from '../delivery/channel-choice.ts';
import { seededRandom } from '../journeys/seeded-random.ts';
import { HOURS_OF_WEEK } from './decision-types.ts';

/**
 * A synthetic population for the evaluation harness, with hidden true response rates:
 *
 *   logit p(i, c, h) = base[c] + dev[i,c] + level[i] + curve[c](h − shift[i])
 *
 * base: population channel effect; curve: population hour-of-week effect per channel (an evening
 * peak, a lunch bump, later weekends, email stronger in the morning, push late); dev, level and
 * shift (a chronotype of ±hours): per-customer variation. Stored as typed arrays, seeded.
 */

export const SIM_CHANNELS: readonly Channel[] = ['email', 'sms', 'push', 'whatsapp'];
const BASE_LOGIT = [-2.4, -1.9, -2.7, -1.6];
/** Share of customers who can be reached on each channel (email: everyone). */
const REACH = [1, 0.7, 0.5, 0.4];
const MAX_SHIFT = 6;
const SHIFTS = 2 * MAX_SHIFT + 1;

export interface PopulationSpec {
  readonly customers: number;
  readonly seed: number;
  /** Standard deviations of per-customer variation (logit units; shift in hours). */
  readonly channelSpread?: number;
  readonly levelSpread?: number;
  readonly shiftSpread?: number;
}

export interface SimulatedPopulation {
  readonly customers: number;
  readonly channels: number;
  /** Bit c set: channel c is eligible (consent and address). */
  readonly eligible: Uint8Array;
  /** base + dev + level, per customer × channel. */
  readonly channelLogit: Float32Array;
  /** Index into the shift dimension of `hourLogit`. */
  readonly shift: Uint8Array;
  /** curve per channel × shift × hour of week. */
  readonly hourLogit: Float32Array;
  /** How many shifts `hourLogit` holds per channel (shift index s is s − (shifts − 1)/2 hours). */
  readonly shifts: number;
  /** The generating structure, told only to the informed learner of `simulation-bounds.ts`. */
  readonly structure: {
    readonly base: readonly number[];
    readonly levelSpread: number;
    readonly channelSpread: number;
    readonly shiftSpread: number;
  };
}

export function trueLogit(p: SimulatedPopulation, customer: number, channel: number, how: number): number {
  const shift = p.shift[customer] as number;
  return (
    (p.channelLogit[customer * p.channels + channel] as number) +
    (p.hourLogit[(channel * SHIFTS + shift) * HOURS_OF_WEEK + how] as number)
  );
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The population's hour effect for channel c at local hour-of-day (fractional) on weekday dow. */
function curve(channel: number, dow: number, hour: number): number {
  const weekend = dow === 0 || dow === 6;
  const h = weekend ? hour - 1.5 : hour;
  const cycle = (peak: number, period: number) => Math.cos((2 * Math.PI * (h - peak)) / period);
  const daily = 0.8 * cycle(19, 24) + 0.35 * cycle(12.5, 12) + (weekend ? 0.1 : 0);
  const byChannel = [0.35 * cycle(8, 24), 0, 0.3 * cycle(21, 24), 0.2 * cycle(13, 24)][channel] ?? 0;
  return daily + byChannel;
}

export function simulatePopulation(spec: PopulationSpec): SimulatedPopulation {
  const random = seededRandom(spec.seed);
  const n = spec.customers;
  const c = SIM_CHANNELS.length;
  const eligible = new Uint8Array(n);
  const channelLogit = new Float32Array(n * c);
  const shift = new Uint8Array(n);
  const structure = {
    base: BASE_LOGIT,
    levelSpread: spec.levelSpread ?? 0.5,
    channelSpread: spec.channelSpread ?? 0.7,
    shiftSpread: spec.shiftSpread ?? 2,
  };
  for (let i = 0; i < n; i += 1) {
    const level = normal(random) * structure.levelSpread;
    let mask = 0;
    for (let k = 0; k < c; k += 1) {
      if (random() < (REACH[k] as number)) mask |= 1 << k;
      channelLogit[i * c + k] = (BASE_LOGIT[k] as number) + level + normal(random) * structure.channelSpread;
    }
    eligible[i] = mask;
    const hours = Math.round(normal(random) * structure.shiftSpread);
    shift[i] = Math.max(-MAX_SHIFT, Math.min(MAX_SHIFT, hours)) + MAX_SHIFT;
  }
  const hourLogit = new Float32Array(c * SHIFTS * HOURS_OF_WEEK);
  for (let k = 0; k < c; k += 1) {
    for (let s = 0; s < SHIFTS; s += 1) {
      for (let how = 0; how < HOURS_OF_WEEK; how += 1) {
        const dow = Math.floor(how / 24);
        hourLogit[(k * SHIFTS + s) * HOURS_OF_WEEK + how] = curve(k, dow, (how % 24) - (s - MAX_SHIFT));
      }
    }
  }
  return { customers: n, channels: c, eligible, channelLogit, shift, hourLogit, shifts: SHIFTS, structure };
}
