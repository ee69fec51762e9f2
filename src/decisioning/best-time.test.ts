import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDateTime } from '../journeys/local-time.ts';
import { seededRandom } from '../journeys/seeded-random.ts';
import { candidateSlots, chooseSlot, hourOfWeek, populationHourRates } from './best-time.ts';

const HOUR = 3_600_000;
/** Population: 5% everywhere, 15% at 19:00 every day. */
const population = Float64Array.from({ length: 168 }, (_, h) => (h % 24 === 19 ? 0.15 : 0.05));
const monday = Date.UTC(2025, 5, 2, 0, 0); // Monday 00:00 UTC
const slots = Array.from({ length: 24 }, (_, k) => monday + k * HOUR);

function countsAt(how: number, sends: number, responses: number) {
  const s = new Uint8Array(168);
  const r = new Uint8Array(168);
  s[how] = sends;
  r[how] = responses;
  return { sends: s, responses: r };
}

const options = { slots, timeZone: 'UTC', populationRates: population, hourStrength: 20, choice: 'expected' as const };

test('a customer with no history gets the population best hour', () => {
  const choice = chooseSlot({ ...options, random: seededRandom(1) });
  assert.equal(localDateTime(choice.chosen.at, 'UTC').hour, 19);
  assert.equal(choice.chosen.populationRate, 0.15);
  assert.equal(choice.slots.length, 24);
});

test('shrinkage: one lucky response does not move a sparse customer; strong evidence does', () => {
  const monday7 = 1 * 24 + 7;
  const sparse = chooseSlot({ ...options, hours: countsAt(monday7, 1, 1), random: seededRandom(1) });
  assert.equal(localDateTime(sparse.chosen.at, 'UTC').hour, 19, 'one of one at 07:00 stays below 19:00');
  const at7 = sparse.slots.find((s) => s.hourOfWeek === monday7);
  assert.ok(at7 && at7.rate < 0.15, `07:00 smoothed to ${at7?.rate}`);
  // 3 of 30 at the population's 19:00, 18 of 30 at 07:00: this customer's own morning wins.
  const hours = countsAt(monday7, 30, 18);
  hours.sends[1 * 24 + 19] = 30;
  hours.responses[1 * 24 + 19] = 3;
  const rich = chooseSlot({ ...options, hours, random: seededRandom(1) });
  assert.equal(localDateTime(rich.chosen.at, 'UTC').hour, 7);
});

test('slots are hours of the week in the customer zone', () => {
  // Monday 00:00 UTC is Monday 08:00 in Shanghai (UTC+8, no DST).
  assert.equal(hourOfWeek(monday, 'Asia/Shanghai'), 1 * 24 + 8);
  const choice = chooseSlot({ ...options, timeZone: 'Asia/Shanghai', random: seededRandom(1) });
  assert.equal(localDateTime(choice.chosen.at, 'Asia/Shanghai').hour, 19);
  assert.equal(choice.chosen.at, monday + 11 * HOUR);
});

test('candidate slots are whole local hours across a DST change (New York, spring forward)', () => {
  const now = Date.UTC(2025, 2, 9, 5, 10); // Sunday 00:10 EST; clocks jump 02:00 → 03:00
  const found = candidateSlots(now, 24 * HOUR, 'America/New_York');
  assert.equal(found[0], now);
  const hours = found.slice(1).map((at) => localDateTime(at, 'America/New_York'));
  assert.ok(hours.every((h) => h.minute === 0));
  assert.ok(!hours.some((h) => h.day === 9 && h.hour === 2), 'the skipped hour is not a slot');
  assert.equal(found.length, 25, 'now plus 24 hour starts (01:00 Sunday … 01:00 Monday, no 02:00)');
  assert.ok(found.every((at, i) => i === 0 || at > (found[i - 1] as number)));
  // India (+5:30): hour starts are on the half hour in UTC.
  const india = candidateSlots(Date.UTC(2025, 5, 2, 0, 0), 3 * HOUR, 'Asia/Kolkata');
  assert.deepEqual(india.slice(1), [
    Date.UTC(2025, 5, 2, 0, 30),
    Date.UTC(2025, 5, 2, 1, 30),
    Date.UTC(2025, 5, 2, 2, 30),
  ]);
});

test('sampling explores: over many draws it picks more than one slot, expected value only one', () => {
  const random = seededRandom(5);
  const picked = new Set<number>();
  for (let k = 0; k < 200; k += 1) picked.add(chooseSlot({ ...options, choice: 'sample', random }).chosen.at);
  assert.ok(picked.size > 3);
});

test('population hour rates shrink sparse hours toward the overall rate', () => {
  const sends = new Float64Array(168).fill(1000);
  const responses = new Float64Array(168).fill(100);
  sends[5] = 2;
  responses[5] = 2;
  const rates = populationHourRates({ sends, responses });
  assert.ok(Math.abs((rates[0] as number) - 0.1) < 1e-4);
  assert.ok((rates[5] as number) < 0.12, `2 of 2 becomes ${rates[5]}`);
});
