import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { invalidInput } from '../../shared/errors.ts';
import { workspaceOfSecret } from '../../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../../workspaces/workspace-service.ts';
import type { WorkspaceSecrets } from '../credentials/workspace-secrets.ts';

const credentialSchema = z.strictObject({ value: z.string().min(1).max(16_384) });
const NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

/** The webhook signing secret, and provider credentials stored sealed (write-only through the API). */
export function registerSecretRoutes(
  app: FastifyInstance,
  deps: { workspaces: WorkspaceService; secrets: WorkspaceSecrets },
): void {
  app.get('/v1/webhooks/secret', async (request) => {
    const workspaceId = await workspaceOfSecret(deps.workspaces, request);
    return { secret: await deps.secrets.webhookSecret(workspaceId) };
  });
  app.post('/v1/webhooks/secret/rotate', async (request) => {
    const workspaceId = await workspaceOfSecret(deps.workspaces, request);
    return { secret: await deps.secrets.rotateWebhookSecret(workspaceId) };
  });
  app.get('/v1/credentials', async (request) => {
    const workspaceId = await workspaceOfSecret(deps.workspaces, request);
    return { names: await deps.secrets.names(workspaceId) };
  });
  app.put<{ Params: { name: string } }>('/v1/credentials/:name', async (request, reply) => {
    const workspaceId = await workspaceOfSecret(deps.workspaces, request);
    if (!NAME.test(request.params.name)) throw invalidInput('name: lower-case letters, digits, _ . - (up to 64)');
    const body = credentialSchema.safeParse(request.body);
    if (!body.success) throw invalidInput('body must be { "value": "<the credential>" }');
    await deps.secrets.put(workspaceId, request.params.name, body.data.value);
    return reply.code(204).send();
  });
}
