import { DeliveryError } from '../../provider.ts';

/** Rate limits, throttling and "try again" codes of the Cloud API; everything else it rejects is about the message. */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);
/** Expired or invalid tokens and missing permissions: our configuration, so a fix must still send the message. */
const CONFIGURATION_CODES = new Set([0, 3, 10, 190, 200]);

/** A Cloud API failure (`{ error: { message, code, error_subcode } }`) as a DeliveryError. */
export function whatsAppDeliveryError(options: {
  status: number;
  body: unknown;
  retryAfter: string | null;
}): DeliveryError {
  const error = ((options.body ?? {}) as { error?: { message?: string; code?: number } }).error ?? {};
  const code = typeof error.code === 'number' ? error.code : undefined;
  const label = code === undefined ? `whatsapp_${options.status}` : `whatsapp_${code}`;
  const message = `whatsapp ${options.status}${code === undefined ? '' : ` (${code})`}: ${error.message ?? 'request failed'}`;
  const seconds = Number(options.retryAfter);
  const retryAfterMs = options.retryAfter && Number.isFinite(seconds) ? seconds * 1000 : undefined;
  const transient =
    options.status === 429 ||
    options.status >= 500 ||
    (code !== undefined && (TRANSIENT_CODES.has(code) || CONFIGURATION_CODES.has(code)));
  return new DeliveryError(transient ? 'transient' : 'permanent', message, {
    code: label,
    ...(transient && retryAfterMs ? { retryAfterMs } : {}),
  });
}
