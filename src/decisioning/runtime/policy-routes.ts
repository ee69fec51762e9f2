import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.ts';
import { invalidInput } from '../../shared/errors.ts';
import { parseInput } from '../../shared/validation.ts';
import type { Store } from '../../storage/store.ts';
import { workspaceOfSecret } from '../../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../../workspaces/workspace-service.ts';
import { MAX_WINDOW_DAYS, windowEnding } from './holdout-report.ts';
import { PolicyService } from './policy-service.ts';

/**
 * `GET /v1/policy` (the workspace's policy, or the default) and `PUT /v1/policy` (replace it; JSON,
 * or YAML with a text content type), with the secret key. An invalid policy is a 400 naming the path.
 * `GET /v1/policy/holdout?event=…` measures the holdout's lift on that event (the last 30 days by default).
 */

const NEEDS_EVENT = 'is required: the conversion event, such as Order Completed';
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-11-01T00:00:00Z' });
const holdoutQuery = z.strictObject({
  event: z.string({ error: NEEDS_EVENT }).min(1, NEEDS_EVENT),
  since: instant.optional(),
  until: instant.optional(),
  days: z.coerce.number().int().min(1).max(MAX_WINDOW_DAYS).optional(),
});
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

  app.put('/v1/policy', async (request) => policies.put(await workspaceOf(request), request.body));

  app.get('/v1/policy/holdout', async (request) => {
    const workspaceId = await workspaceOf(request);
    const query = parseInput(holdoutQuery, request.query, 'query');
    if (query.since && query.days) throw invalidInput('query: give since or days, not both');
    const until = query.until ? Date.parse(query.until) : deps.clock.now();
    const since = query.since ? Date.parse(query.since) : windowEnding(until, query.days).since;
    return policies.holdoutLift(workspaceId, { event: query.event, since, until });
  });
}
