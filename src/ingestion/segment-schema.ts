import { z } from 'zod';

/** Segment spec messages (https://segment.com/docs/connections/spec/), validated at the edge. */

const id = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .nullish();
const object = z.record(z.string(), z.unknown());
const time = z.union([
  z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date'),
  z.number().finite(),
]);

const common = {
  messageId: z
    .union([z.string().min(1).max(256), z.number()])
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
  groupId: z.union([z.string().min(1), z.number()]).transform(String),
  traits: object.nullish(),
});
const alias = z.looseObject({
  ...common,
  type: z.literal('alias'),
  previousId: z.union([z.string().min(1), z.number()]).transform(String),
});

export const messageTypes = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof messageTypes)[number];

export const segmentMessage = z
  .discriminatedUnion('type', [identify, track, page, screen, group, alias], {
    error: `type must be one of ${messageTypes.join(', ')}`,
  })
  .refine((m) => Boolean(m.userId) || Boolean(m.anonymousId), {
    message: 'userId or anonymousId is required',
    path: ['userId'],
  })
  .refine((m) => m.type !== 'alias' || Boolean(m.userId), { message: 'alias needs a userId', path: ['userId'] });

export type SegmentMessage = z.infer<typeof segmentMessage>;

export const batchEnvelope = z.looseObject({
  batch: z.array(z.unknown()).min(1, 'batch must hold at least one message'),
  sentAt: time.nullish(),
  context: object.optional(),
  integrations: object.optional(),
  writeKey: z.string().optional(),
});
