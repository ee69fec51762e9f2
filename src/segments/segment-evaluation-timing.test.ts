import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../journeys/seeded-random.ts';
import type { SegmentEvent } from './event-aggregate.ts';
import type { EventCondition, SegmentRule } from './rule-schema.ts';
import { evaluateSegment } from './segment-evaluation.ts';

/**
 * Checks `changesAt` against brute force: random rules over random events, evaluated at every
 * instant up to a horizon. Events fall on whole seconds and windows are whole seconds, so every
 * possible change falls on a whole second or 1 ms after one; those are the instants checked.
 */

const NOW = 1_000_000_000_000;
const SECOND = 1_000;
const HORIZON = 30 * SECOND;

type Draw = () => number;
const pick = <T>(draw: Draw, items: readonly T[]): T => items[Math.floor(draw() * items.length)] as T;
const between = (draw: Draw, low: number, high: number) => low + Math.floor(draw() * (high - low + 1));

function randomEventCondition(draw: Draw): EventCondition {
  const within = between(draw, 1, 10);
  const base = { type: 'event', event: pick(draw, ['A', 'B']), where: [], within: `${within}s` } as const;
  const aggregate = pick(draw, ['count', 'sum', 'last_seen'] as const);
  if (aggregate === 'count') {
    return {
      ...base,
      aggregate,
      op: pick(draw, ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const),
      value: between(draw, 0, 3),
    };
  }
  if (aggregate === 'sum') {
    return {
      ...base,
      aggregate,
      property: 'n',
      op: pick(draw, ['eq', 'gte', 'lt'] as const),
      value: between(draw, 0, 6),
    };
  }
  const op = pick(draw, ['gt', 'gte', 'lt', 'lte', 'exists'] as const);
  if (op === 'exists') return { ...base, aggregate, op, value: draw() < 0.5 };
  return { ...base, aggregate, op, value: `${between(draw, 1, Math.max(1, within - 1))}s` };
}

function randomRule(draw: Draw, depth: number): SegmentRule {
  const roll = draw();
  if (depth > 0 && roll < 0.2) return { type: 'all', all: [randomRule(draw, depth - 1), randomRule(draw, depth - 1)] };
  if (depth > 0 && roll < 0.4) return { type: 'any', any: [randomRule(draw, depth - 1), randomRule(draw, depth - 1)] };
  if (depth > 0 && roll < 0.5) return { type: 'not', not: randomRule(draw, depth - 1) };
  if (roll < 0.6) return { type: 'trait', trait: 'flag', op: 'eq', value: true };
  return randomEventCondition(draw);
}

function randomEvents(draw: Draw): SegmentEvent[] {
  return Array.from({ length: between(draw, 0, 6) }, () => ({
    event: pick(draw, ['A', 'B']),
    properties: { n: pick(draw, [1, 2, 'x']) },
    timestamp: NOW + between(draw, -12, 3) * SECOND,
  }));
}

describe('changesAt against brute force', () => {
  it('never misses a change, for random rules and events', () => {
    const draw = seededRandom(20250601);
    for (let round = 0; round < 400; round += 1) {
      const definition = { id: 'random', name: 'Random', rule: randomRule(draw, 3) };
      const events = randomEvents(draw);
      const traits = { flag: draw() < 0.5 };
      const { member, changesAt } = evaluateSegment(definition, { traits, consent: {}, events, now: NOW });
      const context = () => JSON.stringify({ rule: definition.rule, events, traits, changesAt });
      if (changesAt !== null) assert.ok(changesAt > NOW, `changesAt is in the future: ${context()}`);
      const end = changesAt ?? NOW + HORIZON;
      for (let second = NOW; second < end; second += SECOND) {
        for (const instant of [second, second + 1]) {
          if (instant >= end) continue;
          const later = evaluateSegment(definition, { traits, consent: {}, events, now: instant });
          assert.equal(
            later.member,
            member,
            `membership changed at ${instant - NOW} ms before changesAt: ${context()}`,
          );
        }
      }
      // A single condition knows its exact change time.
      if (definition.rule.type === 'event' && changesAt !== null) {
        const atChange = evaluateSegment(definition, { traits, consent: {}, events, now: changesAt });
        assert.notEqual(atChange.member, member, `no change at changesAt: ${context()}`);
      }
    }
  });
});
