import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../../shared/validation.ts';
import { workspaceOfSecret } from '../../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../../workspaces/workspace-service.ts';
import { SUPPRESSIBLE_CHANNELS } from '../suppression/suppression-service.ts';
import { type SubscriptionGroupService, viewOf } from './subscription-group-service.ts';
import { topicSchema } from './topic.ts';

const groupBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  description: z.string().max(500).optional(),
  channels: z
    .array(z.enum(SUPPRESSIBLE_CHANNELS, { error: `must be one of ${SUPPRESSIBLE_CHANNELS.join(', ')}` }))
    .min(1, 'must name at least one channel'),
});

/** `GET /v1/subscription-groups`, `PUT`/`DELETE /v1/subscription-groups/:id`, with the secret key. */
export function registerSubscriptionGroupRoutes(
  app: FastifyInstance,
  deps: { workspaces: WorkspaceService; subscriptionGroups: SubscriptionGroupService },
): void {
  const workspaceOf = (request: FastifyRequest) => workspaceOfSecret(deps.workspaces, request);
  const idOf = (request: FastifyRequest) => parseInput(z.object({ id: topicSchema }), request.params, 'path').id;

  app.get('/v1/subscription-groups', async (request) => {
    const groups = await deps.subscriptionGroups.list(await workspaceOf(request));
    return { groups: groups.map(viewOf) };
  });

  app.put('/v1/subscription-groups/:id', async (request, reply) => {
    const workspaceId = await workspaceOf(request);
    const id = idOf(request);
    const result = await deps.subscriptionGroups.put(workspaceId, id, parseInput(groupBody, request.body ?? {}));
    return reply.code(result.created ? 201 : 200).send({ group: result.group });
  });

  app.delete('/v1/subscription-groups/:id', async (request, reply) => {
    const workspaceId = await workspaceOf(request);
    await deps.subscriptionGroups.remove(workspaceId, idOf(request));
    return reply.code(204).send();
  });
}
