import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Godwit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe signs its
 * webhooks: the timestamp is signed with the body, so a captured request cannot be replayed later
 * than the receiver's tolerance.
 */
export const SIGNATURE_HEADER = 'Godwit-Signature';

export function signWebhook(options: { secret: string; body: string; at: number }): string {
  const t = Math.floor(options.at / 1000);
  return `t=${t},v1=${hmacHex(options.secret, `${t}.${options.body}`)}`;
}

/** What a receiver does (the README shows the same in a few lines); `toleranceMs` bounds replays. */
export function verifyWebhookSignature(options: {
  secret: string;
  body: string;
  header: string | undefined;
  now: number;
  toleranceMs?: number;
}): boolean {
  const parts = new Map<string, string[]>();
  for (const pair of (options.header ?? '').split(',')) {
    const [key, value] = pair.split('=', 2);
    if (key && value) parts.set(key.trim(), [...(parts.get(key.trim()) ?? []), value.trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(t)) return false;
  if (Math.abs(options.now - t * 1000) > (options.toleranceMs ?? 5 * 60_000)) return false;
  const expected = Buffer.from(hmacHex(options.secret, `${t}.${options.body}`));
  return (parts.get('v1') ?? []).some((v) => {
    const given = Buffer.from(v);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}
