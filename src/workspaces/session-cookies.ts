import type { FastifyRequest } from 'fastify';
import type { NewSession } from './session-service.ts';

export const SESSION_COOKIE = 'godwit_session';
/** Readable by the page, which echoes it as the CSRF header; useless to another site, which cannot read it. */
export const CSRF_COOKIE = 'godwit_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined; // a malformed value is no session
    }
  }
  return undefined;
}

/** Secure whenever the browser reached us over https, directly or through a proxy that says so. */
function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

function cookie(request: FastifyRequest, options: { name: string; value: string; maxAge: number; httpOnly: boolean }) {
  const flags = [`Path=/`, `Max-Age=${options.maxAge}`, 'SameSite=Lax'];
  if (options.httpOnly) flags.push('HttpOnly');
  if (isHttps(request)) flags.push('Secure');
  return `${options.name}=${encodeURIComponent(options.value)}; ${flags.join('; ')}`;
}

export function sessionCookies(request: FastifyRequest, session: NewSession): string[] {
  const maxAge = session.maxAgeSeconds;
  return [
    cookie(request, { name: SESSION_COOKIE, value: session.token, maxAge, httpOnly: true }),
    cookie(request, { name: CSRF_COOKIE, value: session.csrf, maxAge, httpOnly: false }),
  ];
}

export function clearedCookies(request: FastifyRequest): string[] {
  return [
    cookie(request, { name: SESSION_COOKIE, value: '', maxAge: 0, httpOnly: true }),
    cookie(request, { name: CSRF_COOKIE, value: '', maxAge: 0, httpOnly: false }),
  ];
}
