import { seededRandom } from '../journeys/seeded-random.ts';
import { type BetaPrior, exploringDraw, posteriorOf } from './beta-model.ts';
import { allowedHours, hiddenBest } from './engagement-simulation.ts';
import type { Policy } from './policy-schema.ts';
import { type SimulatedPopulation, sigmoid, trueLogit } from './simulated-population.ts';

/**
 * How much better any rule could choose channels than Godwit's (`npm run bench -- decisioning
 * --bounds`). For customers with exactly two eligible channels, every send at each channel's hidden
 * best hour (on a Wednesday), choosing the channel is a two-armed Bernoulli bandit over `horizon`
 * sends. Under Beta priors fitted to the customers' true rates it is solved exactly by dynamic
 * programming: that rule is Bayes-optimal, and no learner told the same prior does better on
 * average. Godwit's rule (a Thompson draw pulled to `explore` of its way from the mean) and
 * the greedy one run on the same prior and the same response draws.
 */

export interface ChannelChoiceBound {
  readonly customers: number;
  /** Each rule's responses as a share of the oracle's (always the better channel). */
  readonly optimal: number;
  readonly godwit: number;
  readonly greedy: number;
}

type Rule = (s: Int32Array, f: Int32Array, random: () => number) => number;

/**
 * For one pair of channels: which channel the Bayes-optimal rule sends on after s successes and f
 * failures on each, and its expected responses over the horizon under the prior.
 */
export function optimalTwoArm(priors: readonly [BetaPrior, BetaPrior], horizon: number): { rule: Rule; value: number } {
  const d = horizon + 1;
  const at = (s0: number, f0: number, s1: number, f1: number) => ((s0 * d + f0) * d + s1) * d + f1;
  const action = new Uint8Array(d ** 4);
  // Value to go by layer t = sends made so far, indexed (s0, f0, s1); f1 follows from t.
  let next = new Float64Array(d ** 3);
  let current = new Float64Array(d ** 3);
  const [a, b] = priors;
  for (let t = horizon - 1; t >= 0; t -= 1) {
    for (let n0 = 0; n0 <= t; n0 += 1) {
      const n1 = t - n0;
      for (let s0 = 0; s0 <= n0; s0 += 1) {
        const f0 = n0 - s0;
        const m0 = (a.alpha + s0) / (a.alpha + a.beta + n0);
        for (let s1 = 0; s1 <= n1; s1 += 1) {
          const m1 = (b.alpha + s1) / (b.alpha + b.beta + n1);
          const v = (i: number, j: number, k: number) => next[(i * d + j) * d + k] as number;
          const v0 = m0 * (1 + v(s0 + 1, f0, s1)) + (1 - m0) * v(s0, f0 + 1, s1);
          const v1 = m1 * (1 + v(s0, f0, s1 + 1)) + (1 - m1) * v(s0, f0, s1);
          current[(s0 * d + f0) * d + s1] = Math.max(v0, v1);
          action[at(s0, f0, s1, n1 - s1)] = v1 > v0 ? 1 : 0;
        }
      }
    }
    [next, current] = [current, next];
  }
  return {
    rule: (s, f) => action[at(s[0] as number, f[0] as number, s[1] as number, f[1] as number)] as number,
    value: next[0] as number,
  };
}

/** Channel k's posterior after s[k] responses and f[k] non-responses there. */
export function armPosterior(
  priors: readonly [BetaPrior, BetaPrior],
  k: number,
  s: Int32Array,
  f: Int32Array,
): BetaPrior {
  const responses = s[k] as number;
  return posteriorOf(priors[k] as BetaPrior, { sends: responses + (f[k] as number), responses });
}

function exploringRule(priors: readonly [BetaPrior, BetaPrior], explore: number): Rule {
  return (s, f, random) => {
    const first = exploringDraw(armPosterior(priors, 0, s, f), explore, random);
    return exploringDraw(armPosterior(priors, 1, s, f), explore, random) > first ? 1 : 0;
  };
}

/** Beta by the method of moments on known rates (the prior the rules are told). */
export function betaOfRates(rates: readonly number[]): BetaPrior {
  const mean = rates.reduce((sum, r) => sum + r, 0) / rates.length;
  const variance = rates.reduce((sum, r) => sum + (r - mean) ** 2, 0) / rates.length;
  const strength = (mean * (1 - mean)) / variance - 1;
  return { alpha: mean * strength, beta: (1 - mean) * strength };
}

export function twoChannelBound(
  population: SimulatedPopulation,
  policy: Policy,
  options: { horizon: number; seed: number },
): ChannelChoiceBound {
  const p = population;
  const allowed = allowedHours(policy);
  const best = new Int32Array(2);
  const rateAtBestHour = (i: number, c: number) => {
    hiddenBest({ population: p, allowed, customer: i, dow: 3, channels: 1 << c }, best);
    return sigmoid(trueLogit(p, i, c, 3 * 24 + (best[1] as number)));
  };
  // Customers by their pair of channels (the eligibility mask), each pair with priors of its own.
  const byPair = new Map<number, [number, number][]>();
  for (let i = 0; i < p.customers; i += 1) {
    const mask = p.eligible[i] as number;
    const pair = [...Array(p.channels).keys()].filter((c) => mask & (1 << c));
    if (pair.length !== 2) continue;
    const rates = byPair.get(mask) ?? [];
    rates.push([rateAtBestHour(i, pair[0] as number), rateAtBestHour(i, pair[1] as number)]);
    byPair.set(mask, rates);
  }
  const totals = { optimal: 0, godwit: 0, greedy: 0, oracle: 0, customers: 0 };
  for (const rates of byPair.values()) {
    const priors: [BetaPrior, BetaPrior] = [betaOfRates(rates.map((r) => r[0])), betaOfRates(rates.map((r) => r[1]))];
    const rules = {
      optimal: optimalTwoArm(priors, options.horizon).rule,
      godwit: exploringRule(priors, policy.learning.explore),
      greedy: exploringRule(priors, 0),
    };
    for (const [name, rule] of Object.entries(rules) as [keyof typeof rules, Rule][]) {
      totals[name] += play(rule, rates, options);
    }
    totals.oracle += rates.reduce((sum, r) => sum + options.horizon * Math.max(r[0], r[1]), 0);
    totals.customers += rates.length;
  }
  return {
    customers: totals.customers,
    optimal: totals.optimal / totals.oracle,
    godwit: totals.godwit / totals.oracle,
    greedy: totals.greedy / totals.oracle,
  };
}

/** Expected responses (the true rate of each channel chosen), learning from drawn responses; the same draws for every rule. */
function play(rule: Rule, rates: readonly [number, number][], options: { horizon: number; seed: number }): number {
  const responses = seededRandom(options.seed ^ 0x5eed);
  const random = seededRandom(options.seed + 1);
  const s = new Int32Array(2);
  const f = new Int32Array(2);
  let expected = 0;
  for (const rate of rates) {
    s.fill(0);
    f.fill(0);
    for (let t = 0; t < options.horizon; t += 1) {
      const k = rule(s, f, random);
      const r = rate[k] as number;
      expected += r;
      if (responses() < r) s[k] = (s[k] as number) + 1;
      else f[k] = (f[k] as number) + 1;
    }
  }
  return expected;
}
