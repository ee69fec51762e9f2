import { normaliseEmail, normalisePhone } from '../../profiles/identifiers.ts';

const PHONE_CHANNELS = new Set(['sms', 'whatsapp', 'voice']);

/**
 * An address as the suppression list keys it: email lower-cased, phone numbers in E.164, anything
 * else trimmed. Undefined when it cannot be read as an address of that channel.
 */
export function suppressionAddress(channel: string, address: string, defaultCountry?: string): string | undefined {
  if (channel === 'email') return normaliseEmail(address);
  if (PHONE_CHANNELS.has(channel)) return normalisePhone(address, defaultCountry);
  const trimmed = address.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The key `channel + address` a lookup set uses. */
export const suppressionKey = (channel: string, address: string) => `${channel}\u0000${address}`;
