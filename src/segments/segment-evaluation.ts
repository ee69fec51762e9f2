import { assertNever } from '../journeys/assert-never.ts';
import { matchesFilter } from '../journeys/filters.ts';
import { type ConsentRecord, consentStatus } from '../profiles/consent-status.ts';
import { evaluateEventCondition, type SegmentEvent, type Verdict } from './event-aggregate.ts';
import type { SegmentRule } from './rule-schema.ts';
import type { SegmentDefinition } from './segment-schema.ts';

export type { SegmentEvent } from './event-aggregate.ts';

/** Everything a segment can read about one customer at one instant. */
export interface SegmentInput {
  readonly traits: Readonly<Record<string, unknown>>;
  readonly consent: ConsentRecord;
  /** The customer's events with the segment's names since `now − lookback`, in any order. */
  readonly events: readonly SegmentEvent[];
  readonly now: number;
}

export interface SegmentEvaluation {
  readonly member: boolean;
  /**
   * The earliest instant after `now` at which membership could change with no new event, trait or
   * consent change (an order ageing out of "30 days", the 14th day without a login); null if it
   * cannot. Re-evaluate then: membership may still be the same, and the new evaluation says when next.
   */
  readonly changesAt: number | null;
}

export function evaluateSegment(definition: SegmentDefinition, input: SegmentInput): SegmentEvaluation {
  const { holds, changesAt } = evaluateRule(definition.rule, input);
  return { member: holds, changesAt };
}

export function evaluateRule(rule: SegmentRule, input: SegmentInput): Verdict {
  switch (rule.type) {
    case 'all':
      return allOf(rule.all.map((child) => evaluateRule(child, input)));
    case 'any':
      return anyOf(rule.any.map((child) => evaluateRule(child, input)));
    case 'not': {
      const inner = evaluateRule(rule.not, input);
      return { holds: !inner.holds, changesAt: inner.changesAt };
    }
    case 'trait':
      return constant(matchesFilter({ property: rule.trait, op: rule.op, value: rule.value }, input.traits));
    case 'consent':
      return constant(consentStatus(input.consent, rule.consent.channel, rule.consent.topic) === rule.status);
    case 'event':
      return evaluateEventCondition(rule, input.events, input.now);
    default:
      return assertNever(rule);
  }
}

/** Traits and consent only change with new data, which triggers its own evaluation. */
function constant(holds: boolean): Verdict {
  return { holds, changesAt: null };
}

/**
 * A true `all` turns false as soon as any part does. A false one turns true only once every false
 * part has, so not before the latest of their changes, and never if one of them never changes.
 */
function allOf(parts: readonly Verdict[]): Verdict {
  const failing = parts.filter((part) => !part.holds);
  if (failing.length === 0) return { holds: true, changesAt: earliest(parts) };
  return { holds: false, changesAt: latestOrNever(failing) };
}

/** The mirror of `allOf`: a false `any` turns true with its first part; a true one waits for all true parts. */
function anyOf(parts: readonly Verdict[]): Verdict {
  const passing = parts.filter((part) => part.holds);
  if (passing.length === 0) return { holds: false, changesAt: earliest(parts) };
  return { holds: true, changesAt: latestOrNever(passing) };
}

function earliest(parts: readonly Verdict[]): number | null {
  const times = parts.flatMap((part) => (part.changesAt === null ? [] : [part.changesAt]));
  return times.length > 0 ? Math.min(...times) : null;
}

function latestOrNever(parts: readonly Verdict[]): number | null {
  let latest = Number.NEGATIVE_INFINITY;
  for (const part of parts) {
    if (part.changesAt === null) return null;
    latest = Math.max(latest, part.changesAt);
  }
  return latest;
}
