import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../../shared/validation.ts';
import { SUPPRESSION_REASONS } from '../../storage/suppression-store.ts';
import { workspaceOfSecret } from '../../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../../workspaces/workspace-service.ts';
import { SUPPRESSIBLE_CHANNELS, type SuppressionService } from './suppression-service.ts';

const channel = z.enum(SUPPRESSIBLE_CHANNELS);

const listQuery = z.strictObject({
  channel: channel.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().min(1).optional(),
});

const addBody = z.strictObject({
  channel,
  address: z.string().trim().min(1, 'must not be empty').max(2_000),
  reason: z.enum(SUPPRESSION_REASONS).optional(),
  note: z.string().max(500).optional(),
});

/** `GET/POST /v1/suppressions`, `DELETE /v1/suppressions/:channel/:address`, with the secret key. */
export function registerSuppressionRoutes(
  app: FastifyInstance,
  deps: { workspaces: WorkspaceService; suppressions: SuppressionService },
): void {
  const workspaceOf = (request: FastifyRequest) => workspaceOfSecret(deps.workspaces, request);

  app.get('/v1/suppressions', async (request) => {
    const workspaceId = await workspaceOf(request);
    return deps.suppressions.list(workspaceId, parseInput(listQuery, request.query, 'query'));
  });

  app.post('/v1/suppressions', async (request, reply) => {
    const workspaceId = await workspaceOf(request);
    const result = await deps.suppressions.add(workspaceId, parseInput(addBody, request.body ?? {}));
    return reply.code(result.added ? 201 : 200).send(result);
  });

  app.delete<{ Params: { channel: string; address: string } }>(
    '/v1/suppressions/:channel/:address',
    async (request, reply) => {
      const workspaceId = await workspaceOf(request);
      const { channel: which } = parseInput(z.object({ channel }), request.params, 'path');
      await deps.suppressions.remove(workspaceId, which, request.params.address);
      return reply.code(204).send();
    },
  );
}
