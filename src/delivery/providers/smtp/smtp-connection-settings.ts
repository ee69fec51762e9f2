import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import wellKnown from 'nodemailer/lib/well-known';

/** What every pooled connection is opened with. */
export interface SmtpConnectionSettings {
  readonly connection: SMTPConnection.Options;
  /** Absent when the URL carries no user or password. */
  readonly auth?: SMTPConnection.AuthenticationType;
  /** Log in even when the server's EHLO offers no AUTH (`?forceAuth=true`). */
  readonly forceAuth: boolean;
}

/**
 * Reads `smtp://user:pass@host:587?…` as nodemailer's pooled transport did: query options
 * (`requireTLS`, `ignoreTLS`, `tls.rejectUnauthorized`, `name`, timeouts, `authMethod`) override the
 * defaults, and `service=` takes a well-known provider's host, port and TLS. STARTTLS is used
 * whenever the server offers it unless `ignoreTLS` is set, as nodemailer does.
 */
export function smtpConnectionSettings(url: string, timeoutMs: number): SmtpConnectionSettings {
  const fromUrl = parseConnectionUrl(url);
  // The transport opened proxy tunnels; connecting past a configured proxy would be worse than refusing.
  if (fromUrl.proxy !== undefined) throw new Error('smtp: a proxy in the SMTP URL is not supported');
  const service = typeof fromUrl.service === 'string' ? wellKnown(fromUrl.service) : false;
  const { auth, authMethod, forceAuth, ...connection }: Record<string, unknown> & Pick<typeof fromUrl, 'auth'> = {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    ...fromUrl,
    ...(service || {}),
  };
  const method = typeof authMethod === 'string' ? authMethod : false;
  return {
    connection: connection as SMTPConnection.Options,
    ...(auth && (auth.user || auth.pass) ? { auth: { user: auth.user, pass: auth.pass, method } } : {}),
    forceAuth: forceAuth === true,
  };
}
