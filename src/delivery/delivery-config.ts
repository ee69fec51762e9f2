import { z } from 'zod';

/** Delivery's configuration variables, part of the config schema (src/shared/config.ts). */
export const deliveryConfigShape = {
  /**
   * Which provider carries each channel: `email=smtp,sms=twilio,webhook=webhook`. A channel not
   * named goes to the first configured provider that serves it, else the dev sink.
   */
  GODWIT_CHANNEL_PROVIDERS: z
    .string()
    .regex(
      /^\s*[a-z_]+\s*=\s*[a-z0-9_-]+\s*(,\s*[a-z_]+\s*=\s*[a-z0-9_-]+\s*)*$/,
      'must look like email=smtp,sms=twilio',
    )
    .optional(),
  /** Per provider: sends in flight, and optionally sends per second: `smtp=20/50,twilio=10/100`. */
  GODWIT_PROVIDER_LIMITS: z
    .string()
    .regex(/^\s*[a-z0-9_-]+=\d+(\/\d+)?(\s*,\s*[a-z0-9_-]+=\d+(\/\d+)?)*\s*$/, 'must look like smtp=20/50,twilio=10')
    .optional(),
  /** Attempts before a message that keeps failing becomes a dead letter. */
  GODWIT_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1, 'must be at least 1').max(100).default(10),
  /**
   * How long a worker's claim on a message lasts (ms): how soon a message in flight when its worker died
   * is picked up again. Sends time out at a quarter of it (at most 30 s), so a live claim never expires.
   */
  GODWIT_DELIVERY_LEASE_MS: z.coerce.number().int().min(2_000, 'must be at least 2000').max(3_600_000).default(120_000),
};

/** `smtp=20/50,twilio=10` → { smtp: { concurrency: 20, ratePerSecond: 50 }, twilio: { concurrency: 10 } }. */
export function providerLimits(
  text: string | undefined,
): Record<string, { concurrency: number; ratePerSecond?: number }> {
  const out: Record<string, { concurrency: number; ratePerSecond?: number }> = {};
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = '', value = ''] = part.split('=');
    const [concurrency, rate] = value.split('/').map(Number);
    out[name] = { concurrency: concurrency || 1, ...(rate ? { ratePerSecond: rate } : {}) };
  }
  return out;
}
