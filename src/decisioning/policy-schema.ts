import { z } from 'zod';
import { CHANNELS } from '../delivery/channel-choice.ts';
import { approximateMs, parseDuration } from '../journeys/duration.ts';
import {
  durationSchema,
  eventNameSchema,
  filterSchema,
  identifierSchema,
  PRIORITIES,
  prioritySchema,
  timeOfDaySchema,
} from '../journeys/field-schema.ts';
import {
  type DefinitionIssue,
  decodeDefinitionText,
  describeIssue,
  toDefinitionIssues,
} from '../shared/definition-parsing.ts';
import { quietAllDay } from './quiet-hours.ts';

/**
 * Communication policies as data (JSON or YAML): one workspace's rules for channels, time,
 * volume, priorities and suppression. Validated here, at the edge; the core receives `Policy`.
 */

const channelSchema = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` });
const classesSchema = z.array(prioritySchema).min(1, { error: 'must name at least one class' });

const quietHoursSchema = z.strictObject({
  channels: z.array(channelSchema).min(1, { error: 'must name at least one channel' }),
  /** Local wall time the quiet period starts; it may end the next day (21:00 → 08:00). */
  from: timeOfDaySchema,
  to: timeOfDaySchema,
  /** Classes that pass through, e.g. transactional one-time codes. */
  allow: z.array(prioritySchema).default(['transactional']),
});

const capSchema = z.strictObject({
  /** The classes counted and limited; a transactional send never counts against a marketing cap. */
  classes: classesSchema,
  /** One channel, or absent for every channel together. */
  channel: channelSchema.optional(),
  /** Rolling windows: `day` is the last 24 hours, `week` the last 7 days. */
  per: z.enum(['day', 'week']),
  max: z.number().int().min(0),
});

const eventConditionSchema = z.strictObject({
  /** True while such an event happened within `within` before now… */
  event: eventNameSchema,
  within: durationSchema,
  where: z.array(filterSchema).default([]),
  /** …and no later event of this name closed it (a conversation opened and not yet closed). */
  until: eventNameSchema.optional(),
});

const segmentConditionSchema = z.strictObject({ segment: identifierSchema });

const propertyConditionSchema = z.strictObject({
  property: filterSchema.shape.property,
  op: filterSchema.shape.op,
  value: z.unknown().optional(),
});

const CONDITION_KINDS = {
  segment: segmentConditionSchema,
  property: propertyConditionSchema,
  event: eventConditionSchema,
} as const;

type SuppressionConditionValue =
  | z.output<typeof segmentConditionSchema>
  | z.output<typeof propertyConditionSchema>
  | z.output<typeof eventConditionSchema>;

/**
 * A condition is known by its key (`segment`, `property` or `event`) and checked as that kind, so a
 * mistake is named where it is (`when[0].within: is required`) rather than as an input no kind fits.
 */
const conditionSchema = z.unknown().transform((value, context): SuppressionConditionValue => {
  const kinds = isRecord(value) ? Object.keys(CONDITION_KINDS).filter((k) => k in value) : [];
  if (kinds.length !== 1) {
    context.addIssue({
      code: 'custom',
      message:
        kinds.length === 0
          ? 'must be { segment }, { property, op, value } or { event, within }'
          : `is one kind of condition, not ${kinds.join(' and ')}: give each its own`,
    });
    return z.NEVER;
  }
  const result = CONDITION_KINDS[kinds[0] as keyof typeof CONDITION_KINDS].safeParse(value, { error: describeIssue });
  if (result.success) return result.data;
  // The kind's own issues, kept as they are (an unknown key stays `unrecognized_keys`, one line per key).
  for (const issue of result.error.issues) context.addIssue({ ...issue } as z.core.$ZodRawIssue);
  return z.NEVER;
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const suppressionSchema = z.strictObject({
  id: identifierSchema,
  description: z.string().optional(),
  classes: classesSchema,
  /** Every condition must hold (use several rules for "any"). */
  when: z.array(conditionSchema).min(1, { error: 'must have at least one condition' }),
});

const policyFields = z.strictObject({
  /** Cost per send in any unit; best channel maximises P(response) − costWeight × cost. */
  costs: z.partialRecord(channelSchema, z.number().min(0)).default({}),
  costWeight: z.number().min(0).default(1),
  learning: z
    .strictObject({
      minPriorStrength: z.number().positive().default(2),
      maxPriorStrength: z.number().positive().default(200),
      minCustomers: z.number().int().min(1).default(30),
      /** How far a channel's Thompson draw may stray from its posterior mean (1: plain Thompson sampling). */
      explore: z.number().min(0).max(1).default(0.3),
      /** How many sends the population's hour-of-week shape is worth against a customer's own. */
      hourStrength: z.number().positive().default(20),
      /** `expected`: the slot with the highest smoothed rate; `sample`: Thompson sampling per slot. */
      timeChoice: z.enum(['expected', 'sample']).default('expected'),
    })
    .prefault({}),
  quietHours: z.array(quietHoursSchema).default([]),
  caps: z.array(capSchema).default([]),
  collisions: z
    .strictObject({
      window: durationSchema.default('1h'),
      /** What happens to the lower class: held until the window after the winner, or dropped. */
      loser: z.partialRecord(prioritySchema, z.enum(['delay', 'drop'])).default({ marketing: 'drop' }),
      /** The classes a collision holds back; by default a transactional message (a code, a receipt) never waits. */
      classes: classesSchema.default(['service', 'marketing']),
    })
    .prefault({}),
  /**
   * How long a message of a class may be held (quiet hours, caps, collisions) counted from when it
   * was queued; held longer, it is dropped as stale (`past_deadline`). Bounds the queue when a
   * journey asks for more marketing than the caps let through.
   */
  maxDelay: z
    .partialRecord(prioritySchema, durationSchema)
    .default({ transactional: '1d', service: '2d', marketing: '3d' }),
  /** Take the next eligible channel when the best one is held by quiet hours or a cap. */
  reroute: z.boolean().default(true),
  suppression: z.array(suppressionSchema).default([]),
  holdout: z
    .strictObject({
      percent: z.number().min(0).max(100),
      salt: z.string().default('godwit'),
      classes: classesSchema.default(['marketing']),
    })
    .optional(),
});

/**
 * Checked when a policy is applied, not when a stored one is read (`parseStoredPolicy`): rule ids name a
 * suppression in explanations, so they are unique; a trait condition names its root; and a policy whose
 * quiet hours leave a class no minute of the day on a channel could never send it there.
 */
export const policySchema = policyFields.superRefine((policy, context) => {
  const firstWithId = new Map<string, number>();
  policy.suppression.forEach((rule, i) => {
    const first = firstWithId.get(rule.id);
    if (first === undefined) firstWithId.set(rule.id, i);
    else
      context.addIssue({
        code: 'custom',
        path: ['suppression', i, 'id'],
        message: `is suppression[${first}]'s id too`,
      });
    rule.when.forEach((condition, j) => {
      // A trait of the customer (`traits.plan`) or a segment (`segments.vip`), as journeys' conditions read them.
      if (!('property' in condition) || /^(traits|segments)\./.test(condition.property)) return;
      const path = ['suppression', i, 'when', j, 'property'];
      context.addIssue({
        code: 'custom',
        path,
        message: 'must start with traits. or segments. (traits.plan, segments.vip)',
      });
    });
  });
  for (const channel of CHANNELS) {
    for (const messageClass of PRIORITIES) {
      if (!quietAllDay(policy.quietHours, channel, messageClass)) continue;
      context.addIssue({
        code: 'custom',
        path: ['quietHours'],
        message: `quiet hours leave ${messageClass} messages on ${channel} no time of day: allow the class in one rule, or shorten a window`,
      });
    }
  }
});

export type PolicyInput = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema>;
export type QuietHours = Policy['quietHours'][number];
export type FrequencyCap = Policy['caps'][number];
export type SuppressionRule = Policy['suppression'][number];
export type SuppressionCondition = SuppressionRule['when'][number];

export type PolicyParseResult =
  | { readonly ok: true; readonly policy: Policy }
  | { readonly ok: false; readonly issues: readonly DefinitionIssue[] };

export function parsePolicy(value: unknown): PolicyParseResult {
  return parseWith(policySchema, value);
}

/**
 * A policy as stored: it was valid when applied, so rules added to `policySchema` since then do not
 * refuse it (that would silently put the default in its place, holdout and suppressions gone).
 */
export function parseStoredPolicy(value: unknown): PolicyParseResult {
  return parseWith(policyFields, value);
}

function parseWith(schema: z.ZodType<Policy, unknown>, value: unknown): PolicyParseResult {
  const result = schema.safeParse(value, { error: describeIssue });
  if (!result.success) return { ok: false, issues: result.error.issues.flatMap(toDefinitionIssues) };
  return { ok: true, policy: result.data };
}

export function parsePolicyText(text: string): PolicyParseResult {
  const decoded = decodeDefinitionText(text);
  return decoded.ok ? parsePolicy(decoded.value) : decoded;
}

/** The default policy: no SMS, WhatsApp or voice 21:00–08:00; marketing at most 1/day and 3/week. */
export const DEFAULT_POLICY: Policy = policySchema.parse({
  quietHours: [{ channels: ['sms', 'whatsapp', 'voice'], from: '21:00', to: '08:00' }],
  caps: [
    { classes: ['marketing'], per: 'day', max: 1 },
    { classes: ['marketing'], per: 'week', max: 3 },
  ],
});

/** What the runtime must load for `decide`: events by name, how far back, and the send history span. */
export interface PolicyRequirements {
  readonly events: readonly string[];
  readonly eventLookbackMs: number;
  readonly sendLookbackMs: number;
  /**
   * How long before `sendLookbackMs` a send that counts may have been queued: a delayed message goes
   * up to its class's `maxDelay` after it was queued (30 days for a class without one).
   */
  readonly queuedSlackMs: number;
  /** The classes a cap or collision can hold: only their sends need the send history. */
  readonly heldClasses: readonly Policy['caps'][number]['classes'][number][];
}

export function policyRequirements(policy: Policy): PolicyRequirements {
  const events = new Set<string>();
  let eventLookbackMs = 0;
  for (const rule of policy.suppression) {
    for (const condition of rule.when) {
      if (!('event' in condition)) continue;
      events.add(condition.event);
      if (condition.until) events.add(condition.until);
      eventLookbackMs = Math.max(eventLookbackMs, approximateMs(parseDuration(condition.within)));
    }
  }
  const collisionMs = approximateMs(parseDuration(policy.collisions.window));
  const capMs = policy.caps.some((cap) => cap.per === 'week') ? 7 * 86_400_000 : policy.caps.length ? 86_400_000 : 0;
  const delays = (['transactional', 'service', 'marketing'] as const).map((c) => {
    const maxDelay = policy.maxDelay[c];
    return maxDelay === undefined ? 30 * 86_400_000 : approximateMs(parseDuration(maxDelay));
  });
  return {
    events: [...events].sort(),
    eventLookbackMs,
    sendLookbackMs: Math.max(capMs, collisionMs),
    queuedSlackMs: Math.max(...delays),
    heldClasses: [...new Set([...policy.caps.flatMap((cap) => cap.classes), ...policy.collisions.classes])],
  };
}
