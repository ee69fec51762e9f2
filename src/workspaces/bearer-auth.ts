import type { FastifyRequest } from 'fastify';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from './session-cookies.ts';
import type { ConsoleUser } from './session-service.ts';
import type { WorkspaceService } from './workspace-service.ts';

/**
 * The workspace of the secret key in `Authorization: Bearer <key>`, or of the console session cookie
 * (state-changing requests also need the CSRF header); else a 401 (or a 403 for a missing CSRF token).
 */
export async function workspaceOfSecret(workspaces: WorkspaceService, request: FastifyRequest): Promise<string> {
  const header = request.headers.authorization;
  const session = header ? undefined : readCookie(request, SESSION_COOKIE);
  if (session) return (await consoleUserOf(workspaces, request, session)).workspaceId;
  return workspaces.authenticate(header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined, 'secret');
}

/** The signed-in admin of the console session cookie, or a 401/403. */
export function consoleUserOf(
  workspaces: WorkspaceService,
  request: FastifyRequest,
  token = readCookie(request, SESSION_COOKIE),
): Promise<ConsoleUser> {
  const csrf = request.headers[CSRF_HEADER];
  return workspaces.sessions.authenticate(token ?? '', {
    method: request.method,
    csrf: typeof csrf === 'string' ? csrf : undefined,
    crossOrigin: isCrossOrigin(request),
  });
}

/**
 * Cookies are shared by every port of a host, so the CSRF cookie alone does not prove the page is ours:
 * browsers name the page's origin (`Origin`, `Sec-Fetch-Site`), and it must be this server's.
 */
function isCrossOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}
