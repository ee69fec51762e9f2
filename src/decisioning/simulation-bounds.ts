import { HOURS_OF_WEEK } from './decision-types.ts';
import {
  godwitStrategy,
  hiddenBest,
  type Peek,
  runWith,
  type SimulationOptions,
  type Strategy,
  type StrategyDeps,
} from './engagement-simulation.ts';
import { sigmoid } from './simulated-population.ts';

/**
 * Diagnostics for the evaluation harness (`npm run bench -- decisioning --bounds`): how far the
 * oracle is from what any learner could reach, and which half of the choice loses what. None of
 * this is Godwit: each strategy is handed something hidden.
 *
 * - `godwit+hour`, `godwit+channel`: Godwit's model, but each send goes at the hidden best hour of the
 *   channel Godwit chose (or on the hidden best channel, at the hour Godwit chooses for it).
 * - `informed`: a learner told the population's generating structure (channel bases, the spreads of
 *   level, channel and chronotype, the true curve for every shift), learning each customer's draws
 *   from their responses only: channel intercepts by a Laplace posterior given each send's true hour
 *   effect, the chronotype by its exact posterior given the customer's true intercepts. Each half is
 *   handed what the other learns, so it errs high in what it knows; its choices are heuristics as
 *   Godwit's are (a shrunk Thompson draw, the hour of highest expected rate), not a proven optimum. `informed+hour`: its channel
 *   half with the hidden best hour, to set beside `godwit+hour`. `informed+channel`: its hour half on the hidden best
 *   channel, so told everything but the chronotype: what learning the hour costs at best, beside `godwit+channel`.
 * - `channel+median-hour`: the hidden best channel at the best hour of the median chronotype's true curve, learning
 *   nothing: what the hour costs when no customer's own chronotype is learnt, beside `informed+channel`.
 */

export type BoundName =
  | 'godwit+hour'
  | 'godwit+channel'
  | 'informed'
  | 'informed+hour'
  | 'informed+channel'
  | 'channel+median-hour';

export const BOUNDS: readonly BoundName[] = [
  'godwit+hour',
  'godwit+channel',
  'informed',
  'informed+hour',
  'informed+channel',
  'channel+median-hour',
];

export function runBound(name: BoundName, options: SimulationOptions) {
  return runWith(name, (deps) => boundStrategy(name, deps), options);
}

function boundStrategy(name: BoundName, deps: StrategyDeps): Strategy {
  const p = deps.population;
  const scratch = new Int32Array(2);
  const best = (customer: number, dow: number, channels: number) => {
    hiddenBest({ population: p, allowed: deps.allowed, customer, dow, channels }, scratch);
    return scratch;
  };
  const hiddenHour: Peek = { hour: (i, c, dow) => best(i, dow, 1 << c)[1] as number };
  const hiddenChannel = (i: number, dow: number) => best(i, dow, p.eligible[i] as number)[0] as number;
  switch (name) {
    case 'godwit+hour':
      return godwitStrategy(deps, hiddenHour);
    case 'godwit+channel':
      return godwitStrategy(deps, { channel: hiddenChannel });
    case 'informed':
      return informedStrategy(deps);
    case 'informed+hour':
      return informedStrategy(deps, hiddenHour);
    case 'informed+channel':
      return informedStrategy(deps, { channel: hiddenChannel });
    case 'channel+median-hour':
      return medianHourStrategy(deps, hiddenChannel);
  }
}

function medianHourStrategy(
  { population: p, allowed }: StrategyDeps,
  channelOf: (customer: number, dow: number) => number,
): Strategy {
  const median = (p.shifts - 1) / 2;
  return {
    choose(i, dow, out) {
      const c = channelOf(i, dow);
      let best = Number.NEGATIVE_INFINITY;
      for (let h = 0; h < 24; h += 1) {
        const effect = p.hourLogit[(c * p.shifts + median) * HOURS_OF_WEEK + dow * 24 + h] as number;
        if (allowed[c * 24 + h] && effect > best) {
          best = effect;
          out[0] = c;
          out[1] = h;
        }
      }
    },
    learn() {},
    endOfDay() {},
  };
}

const NEWTON_STEPS = 6;
/** As Godwit's `learning.explore`: a Thompson draw pulled to 0.3 of its distance from the mean. */
const EXPLORE = 0.3;

function informedStrategy({ population: p, allowed, random }: StrategyDeps, peek: Peek = {}): Strategy {
  const C = p.channels;
  const S = p.shifts;
  const mid = (S - 1) / 2;
  const { base, levelSpread, channelSpread, shiftSpread } = p.structure;
  const sends = new Float32Array(p.customers * C);
  const responses = new Float32Array(p.customers * C);
  const offsets = new Float32Array(p.customers * C);
  const shiftLog = new Float32Array(p.customers * S);
  const logPrior = Float64Array.from({ length: S }, (_, s) => -0.5 * ((s - mid) / shiftSpread) ** 2);
  /** The current customer's posterior over chronotype shifts. */
  const shifts = new Float64Array(S);
  const curve = (c: number, s: number, how: number) => p.hourLogit[(c * S + s) * HOURS_OF_WEEK + how] as number;
  const x = new Float64Array(C + 1);
  const grad = new Float64Array(C + 1);
  const hess = new Float64Array(C + 1);
  /** n q (1 − q) per channel: how the level couples to that channel's intercept. */
  const coupling = new Float64Array(C);

  function shiftWeights(i: number): void {
    let max = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < S; s += 1) {
      shifts[s] = (shiftLog[i * S + s] as number) + (logPrior[s] as number);
      max = Math.max(max, shifts[s] as number);
    }
    let total = 0;
    for (let s = 0; s < S; s += 1) {
      shifts[s] = Math.exp((shifts[s] as number) - max);
      total += shifts[s] as number;
    }
    for (let s = 0; s < S; s += 1) shifts[s] = (shifts[s] as number) / total;
  }

  /** Posterior mode `x` of (level, dev_c) by Newton; returns the level's precision (Schur complement). */
  function fitIntercepts(i: number): number {
    x.fill(0);
    let schur = 0;
    for (let step = 0; step < NEWTON_STEPS; step += 1) {
      let gLevel = -(x[0] as number) / levelSpread ** 2;
      let hLevel = 1 / levelSpread ** 2;
      for (let c = 0; c < C; c += 1) {
        const n = sends[i * C + c] as number;
        grad[c + 1] = -(x[c + 1] as number) / channelSpread ** 2;
        hess[c + 1] = 1 / channelSpread ** 2;
        coupling[c] = 0;
        if (n === 0) continue;
        const q = sigmoid(
          (base[c] as number) + (x[0] as number) + (x[c + 1] as number) + (offsets[i * C + c] as number) / n,
        );
        const g = (responses[i * C + c] as number) - n * q;
        const w = n * q * (1 - q);
        gLevel += g;
        hLevel += w;
        grad[c + 1] = (grad[c + 1] as number) + g;
        hess[c + 1] = (hess[c + 1] as number) + w;
        coupling[c] = w;
      }
      // The Hessian is an arrow (level couples to every channel): solve by the Schur complement.
      schur = hLevel;
      let rhs = gLevel;
      for (let c = 0; c < C; c += 1) {
        const w = coupling[c] as number;
        schur -= (w * w) / (hess[c + 1] as number);
        rhs -= (w * (grad[c + 1] as number)) / (hess[c + 1] as number);
      }
      const dLevel = rhs / schur;
      x[0] = (x[0] as number) + dLevel;
      for (let c = 0; c < C; c += 1) {
        const w = coupling[c] as number;
        x[c + 1] = (x[c + 1] as number) + ((grad[c + 1] as number) - w * dLevel) / (hess[c + 1] as number);
      }
    }
    return schur;
  }

  function normal(): number {
    return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  }

  function chooseChannel(i: number, dow: number, shifts: Float64Array): number {
    const schur = fitIntercepts(i);
    const mask = p.eligible[i] as number;
    const level = (x[0] as number) + EXPLORE * normal() * Math.sqrt(1 / schur);
    let channel = 0;
    let best = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c += 1) {
      if (!(mask & (1 << c))) continue;
      const w = coupling[c] as number;
      const h = hess[c + 1] as number;
      const dev = (x[c + 1] as number) - (w / h) * (level - (x[0] as number)) + (EXPLORE * normal()) / Math.sqrt(h);
      let top = Number.NEGATIVE_INFINITY;
      for (let hour = 0; hour < 24; hour += 1) {
        if (!allowed[c * 24 + hour]) continue;
        let effect = 0;
        for (let s = 0; s < S; s += 1) effect += (shifts[s] as number) * curve(c, s, dow * 24 + hour);
        top = Math.max(top, effect);
      }
      const score = (base[c] as number) + level + dev + top;
      if (score > best) {
        best = score;
        channel = c;
      }
    }
    return channel;
  }

  function chooseHour(i: number, c: number, dow: number, shifts: Float64Array): number {
    const intercept = p.channelLogit[i * C + c] as number;
    let hour = 0;
    let best = Number.NEGATIVE_INFINITY;
    for (let h = 0; h < 24; h += 1) {
      if (!allowed[c * 24 + h]) continue;
      let rate = 0;
      for (let s = 0; s < S; s += 1) {
        if ((shifts[s] as number) > 1e-4)
          rate += (shifts[s] as number) * sigmoid(intercept + curve(c, s, dow * 24 + h));
      }
      if (rate > best) {
        best = rate;
        hour = h;
      }
    }
    return hour;
  }

  return {
    choose(i, dow, out) {
      shiftWeights(i);
      const c = peek.channel ? peek.channel(i, dow) : chooseChannel(i, dow, shifts);
      out[0] = c;
      out[1] = peek.hour ? peek.hour(i, c, dow) : chooseHour(i, c, dow, shifts);
    },
    learn(i, c, how, responded) {
      sends[i * C + c] = (sends[i * C + c] as number) + 1;
      if (responded) responses[i * C + c] = (responses[i * C + c] as number) + 1;
      offsets[i * C + c] = (offsets[i * C + c] as number) + curve(c, p.shift[i] as number, how);
      const intercept = p.channelLogit[i * C + c] as number;
      for (let s = 0; s < S; s += 1) {
        const q = sigmoid(intercept + curve(c, s, how));
        shiftLog[i * S + s] = (shiftLog[i * S + s] as number) + Math.log(responded ? q : 1 - q);
      }
    },
    endOfDay() {},
  };
}
