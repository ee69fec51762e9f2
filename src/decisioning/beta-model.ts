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
 * What a store can aggregate in one query per channel, so the prior never needs every row:
 * `sum(n)` and `sum(r)` over customers with n ≥ 1, and over those with n ≥ 2 `count`, `sum(r/n)`,
 * `sum((r/n)^2)` and `sum((r/n)(1 − r/n)/(n − 1))`.
 */
export interface PopulationMoments {
  /** Customers with at least two sends (the spread is measured on them). */
  readonly customers: number;
  readonly sumRate: number;
  readonly sumRateSquared: number;
  /** Σ (r/n)(1 − r/n)/(n − 1): each term is an unbiased estimate of that customer's binomial noise p(1 − p)/n. */
  readonly sumNoise: number;
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
  let sumNoise = 0;
  let sends = 0;
  let responses = 0;
  for (const c of counts) {
    if (c.sends <= 0) continue;
    sends += c.sends;
    responses += c.responses;
    if (c.sends < 2) continue;
    const rate = c.responses / c.sends;
    customers += 1;
    sumRate += rate;
    sumRateSquared += rate * rate;
    sumNoise += (rate * (1 - rate)) / (c.sends - 1);
  }
  return { customers, sumRate, sumRateSquared, sumNoise, sends, responses };
}

/** The prior for a channel nobody has data on yet: mean 0.1, worth 2 sends. */
export const UNINFORMED_PRIOR: BetaPrior = { alpha: 0.2, beta: 1.8 };

export interface FittedPrior extends BetaPrior {
  /** The pooled rate the prior is centred on. */
  readonly mean: number;
  /** alpha + beta: how many sends the prior is worth. */
  readonly strength: number;
  /** Spread of true rates between customers after removing binomial noise (0 if none was seen). */
  readonly betweenVariance: number;
}

/**
 * Method of moments: the spread of observed rates is the spread of true rates plus binomial noise;
 * what remains is Var(p) = m(1−m)/(κ+1), so κ = m(1−m)/Var(p) − 1. The noise is estimated per
 * customer from their own rate, not from the pooled mean: sends are chosen adaptively (a channel
 * that does badly for someone stops being tried), so customers with few sends have lower rates
 * than the pool, and the pooled m(1−m)/n would overstate their noise and understate the spread.
 */
export function fitBetaPrior(moments: PopulationMoments, options: PriorFitOptions = DEFAULT_PRIOR_FIT): FittedPrior {
  // The pooled rate, starting from the uninformed prior: one send without a response is no reason to rank a
  // channel above those nobody has tried yet (with (r + ½)/(n + 1) it was 0.25 against their 0.1).
  const mean = clampRate(
    (moments.responses + UNINFORMED_PRIOR.alpha) / (moments.sends + UNINFORMED_PRIOR.alpha + UNINFORMED_PRIOR.beta),
  );
  const k = moments.customers;
  if (k < options.minCustomers) return priorAt(mean, options.minStrength, 0);
  const averageRate = moments.sumRate / k;
  const observedVariance = Math.max(0, moments.sumRateSquared / k - averageRate * averageRate) * (k / (k - 1));
  const between = observedVariance - moments.sumNoise / k;
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

/**
 * The prior moved to `lift` times its mean (capped below 1), at the same strength: a customer who
 * responds more than the population everywhere is likely to on a channel not tried yet too.
 */
export function liftedPrior(prior: BetaPrior, lift: number): BetaPrior {
  const strength = prior.alpha + prior.beta;
  const mean = Math.min(0.99, (prior.alpha / strength) * lift);
  return { alpha: mean * strength, beta: (1 - mean) * strength };
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

/**
 * A Thompson draw pulled toward the posterior mean: mean + explore × (draw − mean). `explore` 1 is
 * plain Thompson sampling; lower explores less. Plain Thompson sampling is tuned for an endless
 * horizon; a customer gets a few dozen marketing messages, so trying a worse channel costs more
 * than what it teaches (the harness measured 0.3 best: 0.848 of the oracle vs 0.808 at 1).
 */
export function exploringDraw(posterior: BetaPrior, explore: number, random: () => number): number {
  const mean = betaMean(posterior);
  return mean + explore * (sampleBeta(posterior, random) - mean);
}
