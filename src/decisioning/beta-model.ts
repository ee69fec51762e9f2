/**
 * Beta-Bernoulli engagement with a prior fitted to the population (empirical Bayes). A customer
 * with no history starts at the population's rate; each send and response moves their own
 * posterior. Chance comes in as `random`, so every sample is reproducible.
 */

export interface BetaPrior {
  readonly alpha: number;
  readonly beta: number;
}

/** Sends and responses (opened, clicked, replied) of one customer on one channel or slot. */
export interface EngagementCounts {
  readonly sends: number;
  readonly responses: number;
}

/**
 * What a store can aggregate in one query per channel (`count`, `sum(r/n)`, `sum((r/n)^2)`,
 * `sum(1/n)`, `sum(n)`, `sum(r)` over customers with n ≥ 1), so the prior never needs every row.
 */
export interface PopulationMoments {
  readonly customers: number;
  readonly sumRate: number;
  readonly sumRateSquared: number;
  readonly sumInverseSends: number;
  readonly sends: number;
  readonly responses: number;
}

export interface PriorFitOptions {
  /** The prior counts as at least this many sends, so a noisy population never yields a flat prior. */
  readonly minStrength: number;
  /** And at most this many, so a customer's own history can still outweigh it. */
  readonly maxStrength: number;
  /** Below this many customers with history, the prior is the pooled rate at `minStrength`. */
  readonly minCustomers: number;
}

export const DEFAULT_PRIOR_FIT: PriorFitOptions = { minStrength: 2, maxStrength: 200, minCustomers: 30 };

export function momentsOf(counts: Iterable<EngagementCounts>): PopulationMoments {
  let customers = 0;
  let sumRate = 0;
  let sumRateSquared = 0;
  let sumInverseSends = 0;
  let sends = 0;
  let responses = 0;
  for (const c of counts) {
    if (c.sends <= 0) continue;
    const rate = c.responses / c.sends;
    customers += 1;
    sumRate += rate;
    sumRateSquared += rate * rate;
    sumInverseSends += 1 / c.sends;
    sends += c.sends;
    responses += c.responses;
  }
  return { customers, sumRate, sumRateSquared, sumInverseSends, sends, responses };
}

export interface FittedPrior extends BetaPrior {
  /** The pooled rate the prior is centred on. */
  readonly mean: number;
  /** alpha + beta: how many sends the prior is worth. */
  readonly strength: number;
  /** Spread of true rates between customers after removing binomial noise (0 if none was seen). */
  readonly betweenVariance: number;
}

/**
 * Method of moments: the spread of observed rates is the spread of true rates plus binomial noise
 * (about m(1−m)·mean(1/n)); what remains is Var(p) = m(1−m)/(κ+1), so κ = m(1−m)/Var(p) − 1.
 */
export function fitBetaPrior(moments: PopulationMoments, options: PriorFitOptions = DEFAULT_PRIOR_FIT): FittedPrior {
  const mean = clampRate(moments.sends > 0 ? (moments.responses + 0.5) / (moments.sends + 1) : 0.5);
  const k = moments.customers;
  if (k < options.minCustomers) return priorAt(mean, options.minStrength, 0);
  const averageRate = moments.sumRate / k;
  const observedVariance = Math.max(0, moments.sumRateSquared / k - averageRate * averageRate) * (k / (k - 1));
  const noise = mean * (1 - mean) * (moments.sumInverseSends / k);
  const between = observedVariance - noise;
  const strength = between > 0 ? (mean * (1 - mean)) / between - 1 : options.maxStrength;
  const clamped = Math.min(options.maxStrength, Math.max(options.minStrength, strength));
  return priorAt(mean, clamped, Math.max(0, between));
}

function priorAt(mean: number, strength: number, betweenVariance: number): FittedPrior {
  return { alpha: mean * strength, beta: (1 - mean) * strength, mean, strength, betweenVariance };
}

function clampRate(rate: number): number {
  return Math.min(0.999, Math.max(0.001, rate));
}

export function posteriorOf(prior: BetaPrior, counts: EngagementCounts): BetaPrior {
  const responses = Math.min(counts.responses, counts.sends);
  return { alpha: prior.alpha + responses, beta: prior.beta + counts.sends - responses };
}

export function betaMean(b: BetaPrior): number {
  return b.alpha / (b.alpha + b.beta);
}

/** Standard normal by Box–Muller (one of the pair; simplicity over speed). */
function sampleNormal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia–Tsang; shapes below 1 use the boost Gamma(a+1)·U^(1/a). */
export function sampleGamma(shape: number, random: () => number): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleNormal(random);
    const v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(b: BetaPrior, random: () => number): number {
  const x = sampleGamma(b.alpha, random);
  const y = sampleGamma(b.beta, random);
  return x / (x + y);
}
