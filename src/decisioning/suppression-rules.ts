import type { MessageClass } from '../delivery/channel-choice.ts';
import { approximateMs, parseDuration } from '../journeys/duration.ts';
import { matchesFilter, matchesFilters } from '../journeys/filters.ts';
import { seedOf } from '../journeys/seeded-random.ts';
import type { Reason, RecentEvent } from './decision-types.ts';
import type { Policy, SuppressionCondition, SuppressionRule } from './policy-schema.ts';

/**
 * Suppression rules: every condition of a rule must hold (a segment, a trait filter, or a recent
 * event not yet closed) for the message's class to be held back. The holdout is a fixed share of
 * customers, chosen by a hash of their id, who never get the classes it covers: the lift of
 * messaging is measured against them.
 */

export interface SuppressionSubject {
  readonly now: number;
  readonly messageClass: MessageClass;
  readonly traits: Readonly<Record<string, unknown>>;
  readonly segments: readonly string[];
  readonly recentEvents: readonly RecentEvent[];
}

/** The first rule that suppresses this message, with what matched; undefined when none does. */
export function matchSuppression(rules: readonly SuppressionRule[], subject: SuppressionSubject): Reason | undefined {
  for (const rule of rules) {
    if (!rule.classes.includes(subject.messageClass)) continue;
    const matched: string[] = [];
    for (const condition of rule.when) {
      const why = conditionHolds(condition, subject);
      if (why === undefined) break;
      matched.push(why);
    }
    if (matched.length === rule.when.length) return { code: 'suppression_rule', rule: rule.id, matched };
  }
  return undefined;
}

/** A sentence saying why the condition holds, or undefined if it does not. */
function conditionHolds(condition: SuppressionCondition, subject: SuppressionSubject): string | undefined {
  if ('segment' in condition) {
    return subject.segments.includes(condition.segment) ? `in segment ${condition.segment}` : undefined;
  }
  if ('event' in condition) return eventHolds(condition, subject);
  const document = { traits: subject.traits, segments: Object.fromEntries(subject.segments.map((s) => [s, true])) };
  const filter = { property: condition.property, op: condition.op, value: condition.value };
  return matchesFilter(filter, document)
    ? `${condition.property} ${condition.op}${condition.value === undefined ? '' : ` ${JSON.stringify(condition.value)}`}`
    : undefined;
}

function eventHolds(condition: Extract<SuppressionCondition, { event: string }>, subject: SuppressionSubject) {
  const since = subject.now - approximateMs(parseDuration(condition.within));
  let latest: RecentEvent | undefined;
  for (const event of subject.recentEvents) {
    if (event.name !== condition.event || event.at < since || event.at > subject.now) continue;
    if (!matchesFilters(condition.where, event.properties ?? {})) continue;
    if (!latest || event.at > latest.at) latest = event;
  }
  if (!latest) return undefined;
  const opened = latest.at;
  const closed = condition.until
    ? subject.recentEvents.some((e) => e.name === condition.until && e.at >= opened && e.at <= subject.now)
    : false;
  if (closed) return undefined;
  const ago = Math.round((subject.now - opened) / 3_600_000);
  return `${condition.event} ${ago} h ago${condition.until ? `, no ${condition.until} since` : ''}`;
}

/** A stable bucket in [0, 10000) for a customer: the same id and salt always land in the same bucket. */
export function holdoutBucket(customerId: string, salt: string): number {
  // FNV-1a spreads short ids poorly in its low bits; a murmur3 finaliser mixes them.
  let h = seedOf(`${salt}:${customerId}`);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 10_000;
}

/** Whether a bucket is in a holdout of `percent` (0–100, two decimals). */
export function inHoldout(bucket: number, percent: number): boolean {
  return bucket < percent * 100;
}

export function holdoutReason(policy: Policy, customerId: string, messageClass: MessageClass): Reason | undefined {
  const holdout = policy.holdout;
  if (!holdout?.classes.includes(messageClass)) return undefined;
  const bucket = holdoutBucket(customerId, holdout.salt);
  return inHoldout(bucket, holdout.percent) ? { code: 'holdout', bucket, percent: holdout.percent } : undefined;
}
