import { z } from 'zod';
import { ALL_TOPICS } from '../../profiles/consent-status.ts';

/** Names consent already uses for itself: the channel-wide choice and the message classes. */
export const RESERVED_TOPICS = [ALL_TOPICS, 'transactional', 'service', 'marketing'] as const;

/** A subscription group's id, which is the consent topic it stands for: `newsletter`, `product-updates`. */
export const topicSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
    error: 'must be lower-case letters, digits, - and _ (at most 64), like newsletter or product-updates',
  })
  .refine((topic) => !(RESERVED_TOPICS as readonly string[]).includes(topic), {
    error: `must not be one of ${RESERVED_TOPICS.join(', ')} (consent uses them for channels and classes)`,
  });
