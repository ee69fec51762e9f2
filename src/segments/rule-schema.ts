import { z } from 'zod';
import { approximateMs, DURATION_HINT, isDuration, parseDuration } from '../journeys/duration.ts';
import { durationSchema, eventNameSchema, filterSchema, filterValueProblem } from '../journeys/field-schema.ts';
import { FILTER_OPS, type Filter, type FilterOp } from '../journeys/filters.ts';
import { ALL_TOPICS } from '../profiles/consent-status.ts';

/**
 * The rule tree of a segment: `all`, `any` and `not` over conditions on traits, consent and event
 * aggregates. Like journey triggers, a rule without `type` takes it from its one identifying key,
 * so `{ trait: plan, op: eq, value: pro }` reads as `{ type: trait, … }`.
 */

export const AGGREGATES = ['count', 'sum', 'last_seen'] as const;
export type Aggregate = (typeof AGGREGATES)[number];
export const AGGREGATE_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
export type AggregateOp = (typeof AGGREGATE_OPS)[number];
export const CONSENT_STATUSES = ['granted', 'denied'] as const;
/** The consent API's topic when none is given: the whole channel. */
export { ALL_TOPICS };

export interface TraitCondition {
  readonly type: 'trait';
  /** A dotted path into the traits, e.g. `plan` or `address.city`. */
  readonly trait: string;
  readonly op: FilterOp;
  readonly value?: unknown;
}

export interface ConsentCondition {
  readonly type: 'consent';
  readonly consent: { readonly channel: string; readonly topic: string };
  readonly status: (typeof CONSENT_STATUSES)[number];
}

/** "count of Order Completed with total > 100 within 30d gte 1". */
export interface EventCondition {
  readonly type: 'event';
  readonly event: string;
  readonly where: readonly Filter[];
  readonly aggregate: Aggregate;
  /** The property `sum` adds up; only for `sum`. */
  readonly property?: string;
  readonly within: string;
  readonly op: AggregateOp;
  /** A number for count and sum; a duration (time since) or, for `exists`, a boolean for last_seen. */
  readonly value?: unknown;
}

export type SegmentRule =
  | { readonly type: 'all'; readonly all: readonly SegmentRule[] }
  | { readonly type: 'any'; readonly any: readonly SegmentRule[] }
  | { readonly type: 'not'; readonly not: SegmentRule }
  | TraitCondition
  | ConsentCondition
  | EventCondition;

export type RuleType = SegmentRule['type'];
const RULE_TYPES = ['all', 'any', 'not', 'trait', 'consent', 'event'] as const satisfies readonly RuleType[];

// Lazy because rules nest; the option schemas below are only read on the first parse.
export const segmentRuleSchema: z.ZodType<SegmentRule> = z.lazy(() =>
  z.preprocess(
    withInferredType,
    z.discriminatedUnion('type', [allRule, anyRule, notRule, traitCondition, consentCondition, eventCondition], {
      error: (issue) => ruleProblem(issue.input),
    }),
  ),
);

const ruleList = z.array(segmentRuleSchema).min(1, { error: 'must list at least one rule' });
const allRule = z.strictObject({ type: z.literal('all'), all: ruleList });
const anyRule = z.strictObject({ type: z.literal('any'), any: ruleList });
const notRule = z.strictObject({ type: z.literal('not'), not: segmentRuleSchema });

const traitCondition = z
  .strictObject({
    type: z.literal('trait'),
    trait: z.string().min(1, { error: 'must name a trait' }),
    op: z.enum(FILTER_OPS, { error: `must be one of ${FILTER_OPS.join(', ')}` }),
    value: z.unknown().optional(),
  })
  .superRefine((condition, ctx) => {
    const problem = filterValueProblem(condition.op, condition.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

const consentCondition = z.strictObject({
  type: z.literal('consent'),
  consent: z.strictObject({
    channel: z.string().min(1, { error: 'must name a channel' }),
    topic: z.string().min(1, { error: 'must name a topic' }).default(ALL_TOPICS),
  }),
  status: z.enum(CONSENT_STATUSES, { error: `must be one of ${CONSENT_STATUSES.join(', ')}` }),
});

const eventCondition = z
  .strictObject({
    type: z.literal('event'),
    event: eventNameSchema,
    where: z.array(filterSchema).default([]),
    aggregate: z.enum(AGGREGATES, { error: `must be one of ${AGGREGATES.join(', ')}` }).default('count'),
    property: z.string().min(1, { error: 'must name a property' }).optional(),
    within: durationSchema,
    op: z.enum(AGGREGATE_OPS, { error: `must be one of ${AGGREGATE_OPS.join(', ')}` }),
    value: z.unknown().optional(),
  })
  .superRefine((condition, ctx) => {
    for (const [field, message] of eventConditionProblems(condition))
      ctx.addIssue({ code: 'custom', path: [field], message });
  });

const NUMBER_OPS: readonly AggregateOp[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'];
const AGE_OPS: readonly AggregateOp[] = ['gt', 'gte', 'lt', 'lte', 'exists'];

/** What only makes sense per aggregate: count and sum compare numbers, last_seen compares time since. */
function eventConditionProblems(condition: Omit<EventCondition, 'type'>): [keyof EventCondition, string][] {
  const { aggregate, op, value, property } = condition;
  const problems: [keyof EventCondition, string][] = [];
  if (aggregate === 'sum' && property === undefined) problems.push(['property', 'is required for aggregate "sum"']);
  if (aggregate !== 'sum' && property !== undefined) problems.push(['property', 'only applies to aggregate "sum"']);
  const ops = aggregate === 'last_seen' ? AGE_OPS : NUMBER_OPS;
  if (!ops.includes(op)) {
    problems.push(['op', `must be one of ${ops.join(', ')} for aggregate "${aggregate}"`]);
  } else if (aggregate !== 'last_seen') {
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(['value', 'must be a number']);
  } else if (op === 'exists') {
    if (value !== undefined && typeof value !== 'boolean')
      problems.push(['value', 'must be true or false for op "exists"']);
  } else if (typeof value !== 'string' || !isDuration(value)) {
    problems.push(['value', `${DURATION_HINT} (the time since the last one)`]);
  } else if ((op === 'gt' || op === 'gte') && isDuration(condition.within) && !shorter(value, condition.within)) {
    // The last one within the window is never older than the window: the rule could never hold.
    problems.push(['value', `must be shorter than within (${condition.within})`]);
  }
  return problems;
}

function shorter(a: string, b: string): boolean {
  return approximateMs(parseDuration(a)) < approximateMs(parseDuration(b));
}

function ruleProblem(input: unknown): string {
  if (input === undefined) return 'is required';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'must be an object';
  return `must have a type: one of ${RULE_TYPES.join(', ')}`;
}

function withInferredType(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'type' in value) return value;
  const type = RULE_TYPES.find((key) => Object.hasOwn(value, key));
  return type ? { type, ...value } : value;
}
