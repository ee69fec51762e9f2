import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../shared/validation.ts';
import type { Store } from '../storage/store.ts';
import { workspaceOfSecret } from './bearer-auth.ts';
import type { WorkspaceService } from './workspace-service.ts';

const keyBody = z.object({ type: z.enum(['write', 'secret']), label: z.string().max(200).optional() });

export function registerWorkspaceRoutes(
  app: FastifyInstance,
  deps: { workspaces: WorkspaceService; store: Store },
): void {
  app.get('/v1/workspace', async (request) => {
    const workspaceId = await workspaceOfSecret(deps.workspaces, request);
    const workspace = (await deps.store.listWorkspaces()).find((w) => w.id === workspaceId);
    return {
      ...workspace,
      customers: await deps.store.countCustomers(workspaceId),
      events: await deps.store.countEvents(workspaceId),
    };
  });

  app.post('/v1/keys', async (request, reply) => {
    const workspaceId = await workspaceOfSecret(deps.workspaces, request);
    const body = parseInput(keyBody, request.body ?? {}, 'body');
    const key = await deps.workspaces.createKey(workspaceId, body.type, body.label ?? null);
    return reply.status(201).send({ type: body.type, key });
  });
}
