/**
 * Which permanent failures say the address itself is gone (a hard bounce), as opposed to the
 * content, a policy or our configuration. Only these suppress the address: a spam-filter 550 or a
 * template rejection must not stop every later message to a good address.
 */

// RFC 3463 enhanced codes: 5.1.1 bad mailbox, 5.1.2 bad domain, 5.1.3 bad address syntax,
// 5.1.6 mailbox moved, 5.1.10 null MX (RFC 7505), 5.2.1 mailbox disabled.
const SMTP_ADDRESS_GONE = /\b5\.(1\.(1|2|3|6|10)|2\.1)\b/;

// Twilio: invalid To (21211), unreachable To (21214), invalid number (21217), not a mobile number
// (21614), unknown handset (30005), landline or unreachable carrier (30006).
const TWILIO_ADDRESS_GONE = new Set(['21211', '21214', '21217', '21614', '30005', '30006']);

// WhatsApp Cloud API: 131026 message undeliverable (not a WhatsApp number, or cannot receive).
const WHATSAPP_ADDRESS_GONE = new Set(['131026']);

/** `code` is a DeliveryError code (`smtp_550`, `twilio_30005`, `whatsapp_131026`); `text` the error or diagnostic. */
export function isHardBounce(code: string | undefined, text = ''): boolean {
  const [family, number = ''] = (code ?? '').split('_');
  if (family === 'twilio') return TWILIO_ADDRESS_GONE.has(number);
  if (family === 'whatsapp') return WHATSAPP_ADDRESS_GONE.has(number);
  return SMTP_ADDRESS_GONE.test(text);
}
