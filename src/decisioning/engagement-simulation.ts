import { seededRandom } from '../journeys/seeded-random.ts';
import { liftOf, populationHourRates, smoothedSlotRate } from './best-time.ts';
import {
  type BetaPrior,
  betaMean,
  type EngagementCounts,
  exploringDraw,
  fitBetaPrior,
  liftedPrior,
  momentsOf,
  sampleBeta,
} from './beta-model.ts';
import { HOURS_OF_WEEK } from './decision-types.ts';
import { DEFAULT_POLICY, type Policy } from './policy-schema.ts';
import { isInQuietWindow } from './quiet-hours.ts';
import { SIM_CHANNELS, type SimulatedPopulation, sigmoid, trueLogit } from './simulated-population.ts';

/**
 * The evaluation harness's loop: every customer gets one marketing message a day for `days`
 * days, sent on a channel and at a local hour of that day chosen by a strategy; the hidden rates
 * decide whether they respond. Godwit's strategy uses the decisioning core's own functions
 * (Thompson sampling on empirical-Bayes posteriors, smoothed hour-of-week rates) on typed-array
 * counts and learns only from the simulated responses. Every strategy sees the same response
 * draws in the same order (common random numbers), so differences are the strategies'.
 */

export type StrategyName = 'fixed' | 'random' | 'godwit' | 'oracle';

export interface Strategy {
  /** Writes the chosen channel index and local hour (0–23) into `out`. */
  choose(customer: number, dow: number, out: Int32Array): void;
  learn(customer: number, channel: number, how: number, responded: boolean): void;
  endOfDay(): void;
}

export interface SimulationResult {
  readonly name: string;
  readonly sends: number;
  readonly responses: number;
  readonly rate: number;
  readonly responsesByDay: readonly number[];
  readonly ms: number;
}

export interface SimulationOptions {
  readonly population: SimulatedPopulation;
  readonly days: number;
  readonly seed: number;
  readonly policy?: Policy;
  readonly timeChoice?: 'expected' | 'sample';
  readonly onDay?: (name: string, day: number) => void;
}

/** allowed[c * 24 + h]: channel c may send marketing at local hour h under the policy's quiet hours. */
export function allowedHours(policy: Policy): Uint8Array {
  const allowed = new Uint8Array(SIM_CHANNELS.length * 24);
  SIM_CHANNELS.forEach((channel, c) => {
    for (let h = 0; h < 24; h += 1) {
      const at = Date.UTC(2024, 0, 1, h);
      allowed[c * 24 + h] = policy.quietHours.some(
        (r) => r.channels.includes(channel) && !r.allow.includes('marketing') && isInQuietWindow(at, r, 'UTC'),
      )
        ? 0
        : 1;
    }
  });
  return allowed;
}

export function runStrategy(name: StrategyName, options: SimulationOptions): SimulationResult {
  return runWith(name, (deps) => makeStrategy(name, deps), options);
}

/** The loop for any strategy (`simulation-bounds.ts` adds diagnostic ones), on the same response draws. */
export function runWith(
  name: string,
  make: (deps: StrategyDeps) => Strategy,
  options: SimulationOptions,
): SimulationResult {
  const p = options.population;
  const policy = options.policy ?? DEFAULT_POLICY;
  const allowed = allowedHours(policy);
  const decisionRandom = seededRandom(options.seed + 1);
  const strategy = make({ population: p, allowed, random: decisionRandom, policy, options });
  const responseRandom = seededRandom(options.seed ^ 0x5eed);
  const out = new Int32Array(2);
  const responsesByDay: number[] = [];
  const started = performance.now();
  let responses = 0;
  for (let day = 0; day < options.days; day += 1) {
    const dow = (1 + day) % 7; // day 0 is a Monday
    let today = 0;
    for (let i = 0; i < p.customers; i += 1) {
      strategy.choose(i, dow, out);
      const channel = out[0] as number;
      const how = dow * 24 + (out[1] as number);
      const responded = responseRandom() < sigmoid(trueLogit(p, i, channel, how));
      if (responded) today += 1;
      strategy.learn(i, channel, how, responded);
    }
    strategy.endOfDay();
    responses += today;
    responsesByDay.push(today);
    options.onDay?.(name, day);
  }
  const sends = p.customers * options.days;
  return { name, sends, responses, rate: responses / sends, responsesByDay, ms: performance.now() - started };
}

export interface StrategyDeps {
  readonly population: SimulatedPopulation;
  readonly allowed: Uint8Array;
  readonly random: () => number;
  readonly policy: Policy;
  readonly options: SimulationOptions;
}

function makeStrategy(name: StrategyName, deps: StrategyDeps): Strategy {
  switch (name) {
    case 'fixed':
      return { choose: (_i, _d, out) => out.set([0, 10]), learn: () => {}, endOfDay: () => {} };
    case 'random':
      return { choose: randomChoice(deps), learn: () => {}, endOfDay: () => {} };
    case 'oracle':
      return { choose: oracleChoice(deps), learn: () => {}, endOfDay: () => {} };
    case 'godwit':
      return godwitStrategy(deps);
  }
}

function randomChoice({ population: p, allowed, random }: StrategyDeps): Strategy['choose'] {
  return (i, _dow, out) => {
    const mask = p.eligible[i] as number;
    let channel = 0;
    let seen = 0;
    for (let c = 0; c < p.channels; c += 1) {
      if (mask & (1 << c) && random() * ++seen < 1) channel = c;
    }
    let hour = 0;
    seen = 0;
    for (let h = 0; h < 24; h += 1) {
      if (allowed[channel * 24 + h] && random() * ++seen < 1) hour = h;
    }
    out[0] = channel;
    out[1] = hour;
  };
}

function oracleChoice({ population: p, allowed }: StrategyDeps): Strategy['choose'] {
  return (i, dow, out) =>
    hiddenBest({ population: p, allowed, customer: i, dow, channels: p.eligible[i] as number }, out);
}

/** The channel (of those in the `channels` mask) and local hour with the highest hidden rate today. */
export function hiddenBest(
  at: { population: SimulatedPopulation; allowed: Uint8Array; customer: number; dow: number; channels: number },
  out: Int32Array,
): void {
  const { population: p, allowed, customer, dow, channels } = at;
  let best = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < p.channels; c += 1) {
    if (!(channels & (1 << c))) continue;
    for (let h = 0; h < 24; h += 1) {
      if (!allowed[c * 24 + h]) continue;
      const logit = trueLogit(p, customer, c, dow * 24 + h);
      if (logit > best) {
        best = logit;
        out[0] = c;
        out[1] = h;
      }
    }
  }
}

/** Diagnostics only: hand Godwit the hidden best channel or hour instead of its own choice (it still learns). */
export interface Peek {
  readonly channel?: (customer: number, dow: number) => number;
  readonly hour?: (customer: number, channel: number, dow: number) => number;
}

/** Godwit's decisioning on typed arrays: the same model as `rankChannels` and `chooseSlot`. */
export function godwitStrategy(deps: StrategyDeps, peek: Peek = {}): Strategy {
  const { population: p, allowed, random, policy, options } = deps;
  const n = p.customers;
  const C = p.channels;
  const chanSends = new Uint16Array(n * C);
  const chanResponses = new Uint16Array(n * C);
  const hourSends = new Uint8Array(n * HOURS_OF_WEEK);
  const hourResponses = new Uint8Array(n * HOURS_OF_WEEK);
  // The population's hour-of-week counts per channel: pooled over channels they would confound
  // hour with channel (SMS never sends at night, so night would look like email's rate).
  const popSends = SIM_CHANNELS.map(() => new Float64Array(HOURS_OF_WEEK));
  const popResponses = SIM_CHANNELS.map(() => new Float64Array(HOURS_OF_WEEK));
  const fit = {
    minStrength: policy.learning.minPriorStrength,
    maxStrength: policy.learning.maxPriorStrength,
    minCustomers: policy.learning.minCustomers,
  };
  const noMoments = momentsOf([]);
  let priors: BetaPrior[] = SIM_CHANNELS.map(() => fitBetaPrior(noMoments, fit));
  const ratesOf = () =>
    SIM_CHANNELS.map((_, c) =>
      populationHourRates({ sends: popSends[c] as Float64Array, responses: popResponses[c] as Float64Array }),
    );
  let popRatesByChannel = ratesOf();
  const strength = policy.learning.hourStrength;
  const sample = (options.timeChoice ?? policy.learning.timeChoice) === 'sample';
  const posterior = { alpha: 0, beta: 0 };
  const explore = policy.learning.explore;

  function chooseChannel(i: number): number {
    const mask = p.eligible[i] as number;
    let channel = 0;
    let best = -1;
    let allResponses = 0;
    let expected = 0;
    for (let c = 0; c < C; c += 1) {
      allResponses += chanResponses[i * C + c] as number;
      expected += (chanSends[i * C + c] as number) * betaMean(priors[c] as BetaPrior);
    }
    const lift = liftOf(allResponses, expected);
    for (let c = 0; c < C; c += 1) {
      if (!(mask & (1 << c))) continue;
      const prior = liftedPrior(priors[c] as BetaPrior, lift);
      const sends = chanSends[i * C + c] as number;
      const responses = chanResponses[i * C + c] as number;
      posterior.alpha = prior.alpha + responses;
      posterior.beta = prior.beta + sends - responses;
      const draw = exploringDraw(posterior, explore, random);
      if (draw > best) {
        best = draw;
        channel = c;
      }
    }
    return channel;
  }

  function chooseHour(i: number, channel: number, dow: number): number {
    const base = i * HOURS_OF_WEEK;
    const popRates = popRatesByChannel[channel] as Float64Array;
    let responses = 0;
    let expected = 0;
    for (let h = 0; h < HOURS_OF_WEEK; h += 1) {
      responses += hourResponses[base + h] as number;
      expected += (hourSends[base + h] as number) * (popRates[h] as number);
    }
    const lift = liftOf(responses, expected);
    let hour = 0;
    let best = Number.NEGATIVE_INFINITY;
    let ties = 0;
    for (let h = 0; h < 24; h += 1) {
      if (!allowed[channel * 24 + h]) continue;
      const how = dow * 24 + h;
      const prior = Math.min(0.99, (popRates[how] as number) * lift);
      const sends = hourSends[base + how] as number;
      const got = hourResponses[base + how] as number;

      posterior.alpha = strength * prior + got + 1e-6;
      posterior.beta = strength * (1 - prior) + sends - got;
      const score = sample ? sampleBeta(posterior, random) : smoothedSlotRate(prior, strength, sends, got);
      if (score > best) {
        best = score;
        hour = h;
        ties = 1;
      } else if (score === best && random() * ++ties < 1) hour = h;
    }
    return hour;
  }

  return {
    choose(i, dow, out) {
      const channel = peek.channel ? peek.channel(i, dow) : chooseChannel(i);
      out[0] = channel;
      out[1] = peek.hour ? peek.hour(i, channel, dow) : chooseHour(i, channel, dow);
    },
    learn(i, channel, how, responded) {
      const r = responded ? 1 : 0;
      chanSends[i * C + channel] = (chanSends[i * C + channel] as number) + 1;
      chanResponses[i * C + channel] = (chanResponses[i * C + channel] as number) + r;
      hourSends[i * HOURS_OF_WEEK + how] = (hourSends[i * HOURS_OF_WEEK + how] as number) + 1;
      hourResponses[i * HOURS_OF_WEEK + how] = (hourResponses[i * HOURS_OF_WEEK + how] as number) + r;
      const ps = popSends[channel] as Float64Array;
      const pr = popResponses[channel] as Float64Array;
      ps[how] = (ps[how] as number) + 1;
      pr[how] = (pr[how] as number) + r;
    },
    endOfDay() {
      // The nightly refit: empirical-Bayes channel priors and the population's hour-of-week rates.
      priors = SIM_CHANNELS.map((_, c) => fitBetaPrior(momentsOf(countsOf(chanSends, chanResponses, c, C, n)), fit));
      popRatesByChannel = ratesOf();
    },
  };
}

function* countsOf(sends: Uint16Array, responses: Uint16Array, channel: number, stride: number, n: number) {
  const counts = { sends: 0, responses: 0 };
  for (let i = 0; i < n; i += 1) {
    counts.sends = sends[i * stride + channel] as number;
    counts.responses = responses[i * stride + channel] as number;
    yield counts as EngagementCounts;
  }
}

export function simulateStrategies(options: SimulationOptions, names: readonly StrategyName[]): SimulationResult[] {
  return names.map((name) => runStrategy(name, options));
}
