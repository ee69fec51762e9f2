import { DeliveryError } from '../../provider.ts';

/**
 * What an SMTP failure means for a retry. A 4xx reply is transient and a 5xx permanent (RFC 5321),
 * except 503 (bad command sequence: the session, not the message) and failed authentication,
 * which is our configuration, not the message: retrying after the fix must still send it, so it
 * must not dead-letter every queued email. No reply at all (refused, reset, timeout) is transient.
 */
export function smtpDeliveryError(error: unknown): DeliveryError {
  const failure = error as { code?: string; responseCode?: number; message?: string; command?: string };
  const message = `smtp: ${failure.message ?? String(error)}`;
  const responseCode = failure.responseCode;
  if (failure.code === 'EAUTH') return new DeliveryError('transient', message, { code: 'smtp_auth' });
  if (responseCode === undefined) {
    const permanent = failure.code === 'EENVELOPE' || failure.code === 'EMESSAGE';
    // The connection broke or went quiet once the message was on its way (the pool marks that
    // `DATA`, see PooledSmtpConnection): the server may have taken it.
    const lost = failure.code === 'ETIMEDOUT' || failure.code === 'ESOCKET' || failure.code === 'ECONNECTION';
    const maybeSent = lost && failure.command === 'DATA';
    return new DeliveryError(permanent ? 'permanent' : 'transient', message, {
      code: failure.code ?? 'smtp_connection',
      ...(maybeSent ? { maybeSent } : {}),
    });
  }
  const permanent = responseCode >= 500 && responseCode !== 503;
  return new DeliveryError(permanent ? 'permanent' : 'transient', message, { code: `smtp_${responseCode}` });
}
