import { DeliveryError } from '../../provider.ts';

/** Twilio error codes that name the recipient or content, not a passing fault: retrying never helps. */
const PERMANENT_CODES = new Map<number, string>([
  [21211, 'invalid To number'],
  [21214, 'To number cannot be reached'],
  [21217, 'invalid phone number'],
  [21408, 'region not enabled'],
  [21610, 'recipient replied STOP'],
  [21612, 'cannot route to this number'],
  [21614, 'To number is not a mobile number'],
  [21617, 'body too long'],
]);

/**
 * A Twilio REST failure (HTTP status and the `{ code, message }` body) as a DeliveryError:
 * 429 and 5xx are transient (honouring Retry-After), known recipient errors and other 4xx
 * permanent; bad credentials (401, 20003) are transient so a fixed configuration still sends.
 */
export function twilioDeliveryError(options: {
  status: number;
  body: unknown;
  retryAfter: string | null;
}): DeliveryError {
  const body = (options.body ?? {}) as { code?: number; message?: string };
  const code = typeof body.code === 'number' ? body.code : undefined;
  const label = code === undefined ? `twilio_${options.status}` : `twilio_${code}`;
  const message = `twilio ${options.status}${code ? ` (${code})` : ''}: ${body.message ?? PERMANENT_CODES.get(code ?? 0) ?? 'request failed'}`;
  const retryAfterMs = retryAfterMsOf(options.retryAfter);
  if (options.status === 429 || options.status >= 500 || code === 20429) {
    return new DeliveryError('transient', message, { code: label, ...(retryAfterMs ? { retryAfterMs } : {}) });
  }
  if (options.status === 401 || code === 20003) return new DeliveryError('transient', message, { code: label });
  return new DeliveryError('permanent', message, { code: label });
}

function retryAfterMsOf(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
