import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../shared/clock.ts';
import type { Store } from '../../storage/store.ts';
import { workspaceOfSecret } from '../../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../../workspaces/workspace-service.ts';
import { PolicyService } from './policy-service.ts';

/**
 * `GET /v1/policy` (the workspace's policy, or the default) and `PUT /v1/policy` (replace it; JSON,
 * or YAML with a text content type), with the secret key. An invalid policy is a 400 naming the path.
 */
export function registerPolicyRoutes(
  app: FastifyInstance,
  deps: { workspaces: WorkspaceService; store: Store; clock: Clock },
): void {
  const policies = new PolicyService(deps);
  const workspaceOf = (request: FastifyRequest) => workspaceOfSecret(deps.workspaces, request);
  for (const type of ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/x-yaml', 'text/plain']) {
    if (!app.hasContentTypeParser(type))
      app.addContentTypeParser(type, { parseAs: 'string' }, (_r, body, done) => done(null, body));
  }

  app.get('/v1/policy', async (request) => policies.get(await workspaceOf(request)));

  app.put('/v1/policy', async (request) => policies.put(await workspaceOf(request), request.body ?? {}));
}
