import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../journeys/seeded-random.ts';
import { betaMean, fitBetaPrior, momentsOf, posteriorOf, sampleBeta, UNINFORMED_PRIOR } from './beta-model.ts';

test('sampleBeta has the mean and variance of Beta(α, β), small shapes included', () => {
  const random = seededRandom(1);
  for (const [alpha, beta] of [
    [2, 8],
    [0.3, 0.7],
    [40, 10],
  ] as const) {
    const draws = Array.from({ length: 40_000 }, () => sampleBeta({ alpha, beta }, random));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    const m = alpha / (alpha + beta);
    assert.ok(Math.abs(mean - m) < 0.01, `mean ${mean} vs ${m}`);
    assert.ok(Math.abs(variance - (m * (1 - m)) / (alpha + beta + 1)) < 0.004);
  }
});

test('fitBetaPrior recovers the population prior from per-customer counts (method of moments)', () => {
  const random = seededRandom(2);
  const truth = { alpha: 3, beta: 27 }; // mean 0.1, strength 30
  const counts = Array.from({ length: 20_000 }, () => {
    const p = sampleBeta(truth, random);
    const sends = 5 + Math.floor(random() * 30);
    let responses = 0;
    for (let k = 0; k < sends; k += 1) if (random() < p) responses += 1;
    return { sends, responses };
  });
  const prior = fitBetaPrior(momentsOf(counts));
  assert.ok(Math.abs(prior.mean - 0.1) < 0.005, `mean ${prior.mean}`);
  assert.ok(prior.strength > 22 && prior.strength < 40, `strength ${prior.strength}`);
});

test('fitBetaPrior keeps the strength within its bounds and falls back with few customers', () => {
  const same = Array.from({ length: 1000 }, () => ({ sends: 10, responses: 1 }));
  assert.equal(fitBetaPrior(momentsOf(same)).strength, 200, 'no spread between customers: the maximum');
  const few = fitBetaPrior(momentsOf([{ sends: 10, responses: 9 }]));
  assert.equal(few.strength, 2, 'one customer: the minimum strength');
  const wild = Array.from({ length: 1000 }, (_, i) => ({ sends: 100, responses: i % 2 ? 100 : 0 }));
  assert.equal(fitBetaPrior(momentsOf(wild)).strength, 2, 'all-or-nothing customers: the minimum');
});

test('shrinkage: a sparse customer stays near the population, a rich one follows their own data', () => {
  const prior = { alpha: 3, beta: 27 };
  const sparse = betaMean(posteriorOf(prior, { sends: 2, responses: 2 }));
  const rich = betaMean(posteriorOf(prior, { sends: 400, responses: 200 }));
  assert.ok(sparse < 0.2, `2 of 2 moves 0.1 only to ${sparse}`);
  assert.ok(rich > 0.45, `200 of 400 reaches ${rich}`);
});

test('fitBetaPrior is not fooled by adaptive sends: customers dropped after a few bad sends have lower rates', () => {
  // True rates Beta(2, 18) (strength 20); a customer is sent to again only while their rate looks good,
  // so those with few sends are mostly poor ones, below the pooled rate.
  const random = seededRandom(4);
  const counts = Array.from({ length: 20_000 }, () => {
    const p = sampleBeta({ alpha: 2, beta: 18 }, random);
    let sends = 0;
    let responses = 0;
    while (sends < 40 && (sends < 3 || responses / sends >= 0.08)) {
      sends += 1;
      if (random() < p) responses += 1;
    }
    return { sends, responses };
  });
  const prior = fitBetaPrior(momentsOf(counts));
  assert.ok(prior.strength > 10 && prior.strength < 40, `strength ${prior.strength}`);
});

test('a channel with a few unanswered sends starts below one nobody has tried, not above it', () => {
  const tried = fitBetaPrior(momentsOf([{ sends: 1, responses: 0 }]));
  assert.ok(tried.mean < betaMean(UNINFORMED_PRIOR), `${tried.mean} after one unanswered send`);
  assert.equal(fitBetaPrior(momentsOf([])).mean, betaMean(UNINFORMED_PRIOR), 'no data: the uninformed mean');
  const answered = fitBetaPrior(momentsOf([{ sends: 2, responses: 1 }]));
  assert.ok(answered.mean > betaMean(UNINFORMED_PRIOR), 'one answer in two: above it');
});
