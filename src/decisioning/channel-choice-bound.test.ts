import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BetaPrior, betaMean } from './beta-model.ts';
import { armPosterior, betaOfRates, optimalTwoArm, twoChannelBound } from './channel-choice-bound.ts';
import { DEFAULT_POLICY } from './policy-schema.ts';
import { simulatePopulation } from './simulated-population.ts';

type Rule = ReturnType<typeof optimalTwoArm>['rule'];

/** A rule's exact expected responses under the prior, over every outcome of `horizon` sends. */
function exactValue(rule: Rule, priors: readonly [BetaPrior, BetaPrior], horizon: number): number {
  const s = new Int32Array(2);
  const f = new Int32Array(2);
  const go = (left: number): number => {
    if (left === 0) return 0;
    const k = rule(s, f, Math.random);
    const mean = betaMean(armPosterior(priors, k, s, f));
    s[k] = (s[k] as number) + 1;
    const hit = go(left - 1);
    s[k] = (s[k] as number) - 1;
    f[k] = (f[k] as number) + 1;
    const miss = go(left - 1);
    f[k] = (f[k] as number) - 1;
    return mean * (1 + hit) + (1 - mean) * miss;
  };
  return go(horizon);
}

/** The channel with the higher posterior mean, never exploring. */
function greedyOn(priors: readonly [BetaPrior, BetaPrior]): Rule {
  const mean = (k: number, s: Int32Array, f: Int32Array) => betaMean(armPosterior(priors, k, s, f));
  return (s, f) => (mean(1, s, f) > mean(0, s, f) ? 1 : 0);
}

const known: BetaPrior = { alpha: 500, beta: 500 };
const uncertain: BetaPrior = { alpha: 0.45, beta: 0.55 };

test('with sends to come, the optimal rule tries an uncertain channel whose mean is lower', () => {
  assert.equal(optimalTwoArm([known, uncertain], 1).rule(new Int32Array(2), new Int32Array(2), Math.random), 0);
  assert.equal(optimalTwoArm([known, uncertain], 12).rule(new Int32Array(2), new Int32Array(2), Math.random), 1);
});

test('the optimal rule earns what its solution says, and no other rule earns more', () => {
  const pairs: [BetaPrior, BetaPrior][] = [
    [known, uncertain],
    [
      { alpha: 2, beta: 8 },
      { alpha: 1, beta: 3 },
    ],
    [
      { alpha: 0.3, beta: 2.7 },
      { alpha: 3, beta: 27 },
    ],
  ];
  for (const priors of pairs) {
    const { rule, value } = optimalTwoArm(priors, 8);
    assert.ok(Math.abs(exactValue(rule, priors, 8) - value) < 1e-9, `solved ${value}`);
    for (const other of [greedyOn(priors), () => 0, () => 1, (s: Int32Array) => ((s[0] as number) > 0 ? 0 : 1)]) {
      assert.ok(value >= exactValue(other, priors, 8) - 1e-12);
    }
  }
  // Here exploring pays: greedy never tries the uncertain channel.
  const priors = [known, uncertain] as const;
  assert.ok(optimalTwoArm(priors, 10).value > exactValue(greedyOn(priors), priors, 10) + 0.1);
});

test('betaOfRates matches the mean and spread of the rates', () => {
  const prior = betaOfRates([0.1, 0.2, 0.3, 0.4]);
  const strength = prior.alpha + prior.beta;
  assert.ok(Math.abs(prior.alpha / strength - 0.25) < 1e-12);
  assert.ok(Math.abs((0.25 * 0.75) / (strength + 1) - 0.0125) < 1e-12);
});

test('on the simulated population, Godwit’s rule stays below the optimal one and above half the oracle', () => {
  const bound = twoChannelBound(simulatePopulation({ customers: 4000, seed: 5 }), DEFAULT_POLICY, {
    horizon: 30,
    seed: 5,
  });
  assert.ok(bound.customers > 1000, `${bound.customers} customers with two channels`);
  assert.ok(bound.optimal <= 1 && bound.optimal > 0.85, `optimal ${bound.optimal}`);
  assert.ok(bound.godwit < bound.optimal + 0.005 && bound.godwit > 0.5, `godwit ${bound.godwit}`);
});
