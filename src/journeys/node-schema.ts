import { z } from 'zod';
import { topicSchema } from '../delivery/subscriptions/topic.ts';
import { approximateMs, isDuration, parseDuration } from './duration.ts';
import {
  durationSchema,
  eventMatcherShape,
  filterSchema,
  nodeRefSchema,
  prioritySchema,
  propertiesSchema,
  timeOfDaySchema,
  weekdaySchema,
} from './field-schema.ts';

/** The steps of a journey graph. Every node but `exit` names where the run goes next. */

const base = { label: z.string().optional() };

const waitNode = z.strictObject({ ...base, type: z.literal('wait'), duration: durationSchema, next: nodeRefSchema });

const waitUntilNode = z.strictObject({
  ...base,
  type: z.literal('wait_until'),
  at: timeOfDaySchema,
  days: z.array(weekdaySchema).default([]),
  next: nodeRefSchema,
});

const waitForEventNode = z.strictObject({
  ...base,
  type: z.literal('wait_for_event'),
  ...eventMatcherShape,
  timeout: durationSchema,
  next: z.strictObject({ matched: nodeRefSchema, timeout: nodeRefSchema }),
});

/** Rules read `traits.*`, `trigger.*` (the starting event's properties) or `event.*` (the last awaited event). */
export const CONDITION_ROOTS = ['traits', 'trigger', 'event', 'segments'] as const;

/** `segments.<segment id>` (is a member) or `segments.<segment id>.since` (member since when). */
const SEGMENT_PROPERTY = /^segments\.[A-Za-z][A-Za-z0-9_-]*(\.since)?$/;

const conditionRule = filterSchema
  .refine((rule) => CONDITION_ROOTS.some((root) => rule.property.startsWith(`${root}.`)), {
    error: 'must start with traits., trigger., event. or segments.',
    path: ['property'],
  })
  .refine((rule) => !rule.property.startsWith('segments.') || SEGMENT_PROPERTY.test(rule.property), {
    error: 'must be segments.<segment id> or segments.<segment id>.since',
    path: ['property'],
  });

const conditionNode = z.strictObject({
  ...base,
  type: z.literal('condition'),
  match: z.enum(['all', 'any']).default('all'),
  rules: z.array(conditionRule).min(1, { error: 'must have at least one rule' }),
  then: nodeRefSchema,
  else: nodeRefSchema,
});

const splitBranch = z.strictObject({
  name: z.string().min(1, { error: 'must name the branch' }),
  weight: z.number().positive({ error: 'must be a positive number' }),
  /** A control group: counted like any branch, usually sent nowhere but a wait and an exit. */
  holdout: z.boolean().default(false),
  next: nodeRefSchema,
});

const randomSplitNode = z
  .strictObject({
    ...base,
    type: z.literal('random_split'),
    branches: z.array(splitBranch).min(2, { error: 'must have at least two branches' }),
  })
  .superRefine((node, ctx) => {
    const seen = new Set<string>();
    node.branches.forEach((branch, index) => {
      if (seen.has(branch.name)) {
        ctx.addIssue({ code: 'custom', path: ['branches', index, 'name'], message: `"${branch.name}" is used twice` });
      }
      seen.add(branch.name);
    });
  });

export const CHANNELS = ['email', 'sms', 'whatsapp', 'push', 'in_app', 'voice', 'best'] as const;

const bestTimeWindowSchema = durationSchema.refine(
  (text) => {
    // Zod runs this even when the text is not a duration (that issue is already reported).
    if (!isDuration(text)) return true;
    const ms = approximateMs(parseDuration(text));
    return ms >= 3_600_000 && ms <= 7 * 86_400_000;
  },
  { error: 'must be between 1h and 7d' },
);

const sendNode = z.strictObject({
  ...base,
  type: z.literal('send'),
  template: z.string().min(1, { error: 'must name a template' }),
  /** `best` leaves the choice to decisioning (until then: the preferred consented channel). */
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }).default('best'),
  priority: prioritySchema.optional(),
  /** The subscription group it belongs to: a marketing send needs the customer's yes to this topic. */
  topic: topicSchema.optional(),
  data: propertiesSchema.default({}),
  /** Send at the customer's best hour within this window from now (decisioning), not at once. */
  bestTime: z.strictObject({ within: bestTimeWindowSchema }).optional(),
  next: nodeRefSchema,
});

const updateTraitsNode = z
  .strictObject({
    ...base,
    type: z.literal('update_traits'),
    set: propertiesSchema.default({}),
    unset: z.array(z.string().min(1)).default([]),
    next: nodeRefSchema,
  })
  .refine((node) => Object.keys(node.set).length + node.unset.length > 0, {
    error: 'must set or unset at least one trait',
    path: ['set'],
  });

const webhookNode = z.strictObject({
  ...base,
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  body: propertiesSchema.default({}),
  next: nodeRefSchema,
});

const exitNode = z.strictObject({ ...base, type: z.literal('exit'), reason: z.string().optional() });

export const NODE_TYPES = [
  'wait',
  'wait_until',
  'wait_for_event',
  'condition',
  'random_split',
  'send',
  'update_traits',
  'webhook',
  'exit',
] as const;

export const nodeSchema = z.discriminatedUnion(
  'type',
  [
    waitNode,
    waitUntilNode,
    waitForEventNode,
    conditionNode,
    randomSplitNode,
    sendNode,
    updateTraitsNode,
    webhookNode,
    exitNode,
  ],
  { error: `must have a type: one of ${NODE_TYPES.join(', ')}` },
);
