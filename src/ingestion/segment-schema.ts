import { z } from 'zod';
import { hasContactTrait, isPlaceholder } from '../profiles/placeholder-ids.ts';
import { isTime } from '../shared/iso-time.ts';

/** Segment spec messages (https://segment.com/docs/connections/spec/), validated at the edge. */

const id = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .nullish();
const object = z.record(z.string(), z.unknown());
const time = z.union([z.string().refine(isTime, 'must be an ISO-8601 date'), z.number().finite()]);

const common = {
  messageId: z
    .union([z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters'), z.number()])
    .transform(String)
    .optional(),
  userId: id,
  anonymousId: id,
  context: object.optional(),
  integrations: object.optional(),
  timestamp: time.nullish(),
  sentAt: time.nullish(),
  originalTimestamp: time.nullish(),
};

const identify = z.looseObject({ ...common, type: z.literal('identify'), traits: object.nullish() });
const track = z.looseObject({
  ...common,
  type: z.literal('track'),
  event: z.string().min(1, 'must not be empty'),
  properties: object.nullish(),
});
const page = z.looseObject({
  ...common,
  type: z.literal('page'),
  name: z.string().nullish(),
  category: z.string().nullish(),
  properties: object.nullish(),
});
const screen = z.looseObject({
  ...common,
  type: z.literal('screen'),
  name: z.string().nullish(),
  properties: object.nullish(),
});
const group = z.looseObject({
  ...common,
  type: z.literal('group'),
  groupId: z.union([z.string().min(1, 'must not be empty'), z.number()]).transform(String),
  traits: object.nullish(),
});
const alias = z.looseObject({
  ...common,
  type: z.literal('alias'),
  previousId: z.union([z.string().min(1, 'must not be empty'), z.number()]).transform(String),
});

export const messageTypes = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof messageTypes)[number];

export const segmentMessage = z
  .discriminatedUnion('type', [identify, track, page, screen, group, alias], {
    error: `must be one of ${messageTypes.join(', ')}`,
  })
  .superRefine((m, ctx) => {
    const missing = missingIdentifier(m);
    if (missing) ctx.addIssue({ code: 'custom', path: [missing.field], message: missing.message });
  })
  .refine((m) => m.type !== 'alias' || Boolean(m.userId), { message: 'alias needs a userId', path: ['userId'] });

export type SegmentMessage = z.infer<typeof segmentMessage>;

/**
 * Why a message names nobody, or undefined when it names someone. A placeholder ("null", "anonymous", …)
 * would link no profile, so it counts as missing, unless an identify names its email or phone (identity
 * resolution keys by those too). With no id at all it is missing whatever the traits: Segment's rule.
 * zod and the fast path both ask here.
 */
export function missingIdentifier(m: {
  readonly type?: unknown;
  readonly userId?: unknown;
  readonly anonymousId?: unknown;
  readonly traits?: unknown;
}): { field: 'userId' | 'anonymousId'; message: string } | undefined {
  if (!isPlaceholder(m.userId) || !isPlaceholder(m.anonymousId)) return undefined;
  const field = (['userId', 'anonymousId'] as const).find((f) => String(m[f] ?? '').trim() !== '');
  const required = 'userId or anonymousId is required';
  if (!field) return { field: 'userId', message: required };
  if (m.type === 'identify' && hasContactTrait(m.traits)) return undefined;
  return { field, message: `"${String(m[field]).trim()}" is a placeholder, not an id: ${required}` };
}

export const batchEnvelope = z.looseObject({
  batch: z.array(z.unknown()).min(1, 'batch must hold at least one message'),
  sentAt: time.nullish(),
  context: object.optional(),
  integrations: object.optional(),
  writeKey: z.string().optional(),
});
