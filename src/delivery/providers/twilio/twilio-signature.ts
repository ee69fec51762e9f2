import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's X-Twilio-Signature: Base64 HMAC-SHA1, keyed with the auth token, of the full URL
 * Twilio called followed by every POST parameter sorted by name, each as name + value.
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string | readonly string[]>>,
): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    for (const item of typeof value === 'string' ? [value] : [...(value ?? [])].sort()) data += name + item;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function isValidTwilioSignature(options: {
  authToken: string;
  signature: string | undefined;
  url: string;
  params: Readonly<Record<string, string | readonly string[]>>;
}): boolean {
  if (!options.signature) return false;
  const expected = Buffer.from(twilioSignature(options.authToken, options.url, options.params));
  const given = Buffer.from(options.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
