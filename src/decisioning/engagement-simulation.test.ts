import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateStrategies } from './engagement-simulation.ts';
import { simulatePopulation } from './simulated-population.ts';

test('harness sanity: oracle ≥ Godwit ≥ random ≥ fixed on a small seeded population', () => {
  const population = simulatePopulation({ customers: 3000, seed: 3 });
  const [fixed, random, godwit, oracle] = simulateStrategies({ population, days: 30, seed: 3 }, [
    'fixed',
    'random',
    'godwit',
    'oracle',
  ]);
  assert.ok(fixed && random && godwit && oracle);
  assert.ok(oracle.rate > godwit.rate, `oracle ${oracle.rate} > godwit ${godwit.rate}`);
  assert.ok(godwit.rate > random.rate * 1.2, `godwit ${godwit.rate} well above random ${random.rate}`);
  assert.ok(random.rate > fixed.rate);
  const firstWeek = godwit.responsesByDay.slice(0, 7).reduce((a, b) => a + b, 0);
  const lastWeek = godwit.responsesByDay.slice(-7).reduce((a, b) => a + b, 0);
  assert.ok(lastWeek > firstWeek, 'Godwit learns: its last week beats its first');
  assert.deepEqual(
    simulateStrategies({ population, days: 3, seed: 3 }, ['godwit']).map((r) => r.responses),
    simulateStrategies({ population, days: 3, seed: 3 }, ['godwit']).map((r) => r.responses),
  );
});
