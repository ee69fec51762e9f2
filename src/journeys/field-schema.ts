import { z } from 'zod';
import { DURATION_HINT, isDuration } from './duration.ts';
import { FILTER_OPS } from './filters.ts';
import { isValidTimeZone } from './local-time.ts';

/** Field schemas shared by triggers, nodes and the journey itself. Messages name what to write. */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const durationSchema = z.string().refine(isDuration, { error: DURATION_HINT });
export const timeOfDaySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a local time like 09:00 (24-hour, two digits each)' });
export const weekdaySchema = z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` });
export const timeZoneSchema = z
  .string()
  .refine(isValidTimeZone, { error: 'must be an IANA time zone like Europe/Berlin' });
export const identifierSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { error: 'must start with a letter and use only letters, digits, _ and -' });
export const nodeRefSchema = z.string().min(1, { error: 'must name a node' });
export const eventNameSchema = z.string().min(1, { error: 'must name an event' });
export const PRIORITIES = ['transactional', 'service', 'marketing'] as const;
export const prioritySchema = z.enum(PRIORITIES);
export const propertiesSchema = z.record(z.string(), z.unknown());

export const filterSchema = z
  .strictObject({
    property: z.string().min(1, { error: 'must name a property' }),
    op: z.enum(FILTER_OPS, { error: `must be one of ${FILTER_OPS.join(', ')}` }),
    value: z.unknown().optional(),
  })
  .superRefine((filter, ctx) => {
    const problem = filterValueProblem(filter.op, filter.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

export function filterValueProblem(op: (typeof FILTER_OPS)[number], value: unknown): string | undefined {
  switch (op) {
    case 'in':
      return Array.isArray(value) ? undefined : 'must be a list for op "in"';
    case 'exists':
      return value === undefined || typeof value === 'boolean' ? undefined : 'must be true or false for op "exists"';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'number' || typeof value === 'string'
        ? undefined
        : `must be a number or date for op "${op}"`;
    default:
      return value === undefined ? `is required for op "${op}"` : undefined;
  }
}

/** An event with optional filters and correlation, as goals, exits and wait_for_event describe one. */
export const eventMatcherShape = {
  event: eventNameSchema,
  where: z.array(filterSchema).default([]),
  /** A property that must equal the same property of the event that started the run, e.g. `cart_id`. */
  correlate: z.string().min(1).optional(),
};
