import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../shared/validation.ts';
import { consoleUserOf, workspaceOfSecret } from './bearer-auth.ts';
import { clearedCookies, readCookie, SESSION_COOKIE, sessionCookies } from './session-cookies.ts';
import type { WorkspaceService } from './workspace-service.ts';

/** Console sign-in and sign-out, the signed-in admin, their language, and the workspace's team. */

const signInBody = z.strictObject({
  email: z.string().min(1, { error: 'enter your email' }).max(320),
  password: z.string().min(1, { error: 'enter your password' }).max(1000),
});
/** The console's languages; null follows the browser. */
const localeBody = z.strictObject({ locale: z.enum(['en', 'zh-CN']).nullable() });

export function registerSessionRoutes(app: FastifyInstance, deps: { workspaces: WorkspaceService }): void {
  const { sessions } = deps.workspaces;

  app.post('/v1/session', async (request, reply) => {
    const body = parseInput(signInBody, request.body ?? {}, 'body');
    const session = await sessions.signIn(body.email, body.password, request.ip);
    return reply.header('set-cookie', sessionCookies(request, session)).send({ user: session.user });
  });

  app.get('/v1/session', async (request) => ({ user: await consoleUserOf(deps.workspaces, request) }));

  app.delete('/v1/session', async (request, reply) => {
    await consoleUserOf(deps.workspaces, request);
    await sessions.signOut(readCookie(request, SESSION_COOKIE) ?? '');
    return reply.header('set-cookie', clearedCookies(request)).send({ signedOut: true });
  });

  app.put('/v1/session/locale', async (request) => {
    const user = await consoleUserOf(deps.workspaces, request);
    const { locale } = parseInput(localeBody, request.body ?? {}, 'body');
    await sessions.setLocale(user.id, locale);
    return { user: { ...user, locale } };
  });

  app.get('/v1/team', async (request) => {
    const workspaceId = await workspaceOfSecret(deps.workspaces, request);
    return { members: await sessions.team(workspaceId) };
  });
}
