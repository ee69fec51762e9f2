import { z } from 'zod';
import { durationSchema, eventNameSchema, filterSchema, timeOfDaySchema, weekdaySchema } from './field-schema.ts';

/** What starts a run. An object with `event` and no `type` is read as an event trigger. */

const eventTrigger = z.strictObject({
  type: z.literal('event'),
  event: eventNameSchema,
  where: z.array(filterSchema).default([]),
});

const segmentTrigger = z.strictObject({
  type: z.literal('segment'),
  segment: z.string().min(1, { error: 'must name a segment' }),
  on: z.enum(['entered', 'left']).default('entered'),
});

/**
 * "7 days before renewal_date at 09:00 local", "30 days after first_purchase_at", or each
 * anniversary (`days` earlier: "3 days before each birthday").
 */
const dateTraitTrigger = z.strictObject({
  type: z.literal('date_trait'),
  trait: z.string().min(1, { error: 'must name a date trait' }),
  when: z.enum(['before', 'after', 'anniversary']),
  days: z.number().int().min(0).default(0),
  at: timeOfDaySchema.default('09:00'),
});

const apiTrigger = z.strictObject({ type: z.literal('api') });

/** "Every Monday at 09:00 local" for the members of a segment (or everyone). */
const scheduleTrigger = z.strictObject({
  type: z.literal('schedule'),
  at: timeOfDaySchema,
  days: z.array(weekdaySchema).default([]),
  segment: z.string().min(1).optional(),
});

const TRIGGER_TYPES = ['event', 'segment', 'date_trait', 'api', 'schedule'] as const;

export const triggerSchema = z.preprocess(
  (value) => (isUntypedEventTrigger(value) ? { type: 'event', ...value } : value),
  z.discriminatedUnion('type', [eventTrigger, segmentTrigger, dateTraitTrigger, apiTrigger, scheduleTrigger], {
    error: `must have a type: one of ${TRIGGER_TYPES.join(', ')}`,
  }),
);

function isUntypedEventTrigger(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !('type' in value) && 'event' in value;
}

export const entrySchema = z
  .discriminatedUnion(
    'policy',
    [
      z.strictObject({ policy: z.literal('once'), allowConcurrent: z.boolean().default(false) }),
      z.strictObject({
        policy: z.literal('once_per_period'),
        period: durationSchema,
        allowConcurrent: z.boolean().default(false),
      }),
      z.strictObject({ policy: z.literal('every_time'), allowConcurrent: z.boolean().default(false) }),
    ],
    { error: 'must have a policy: one of once, once_per_period, every_time' },
  )
  .default({ policy: 'once', allowConcurrent: false });
