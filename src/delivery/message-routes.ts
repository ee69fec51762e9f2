import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CustomerService } from '../profiles/customer-service.ts';
import { parseInput } from '../shared/validation.ts';
import { MESSAGE_STATUSES } from '../storage/delivery-store.ts';
import { workspaceOfSecret } from '../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import type { MessageService } from './message-service.ts';
import { DELIVERY_CHANNELS } from './provider-registry.ts';

/** The outbox over HTTP: messages by filter and dead letters in pages, one message with its content, retry. */

const listQuery = z.strictObject({
  status: z.enum(MESSAGE_STATUSES).optional(),
  channel: z.enum(DELIVERY_CHANNELS, { error: `must be one of ${DELIVERY_CHANNELS.join(', ')}` }).optional(),
  journey: z.string().min(1).optional(),
  customer: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().min(1).optional(),
});

const deadQuery = listQuery.pick({ limit: true, before: true });

export interface MessageRouteDeps {
  workspaces: WorkspaceService;
  customers: CustomerService;
  messages: MessageService;
}

export function registerMessageRoutes(app: FastifyInstance, deps: MessageRouteDeps): void {
  const workspaceOf = (request: FastifyRequest) => workspaceOfSecret(deps.workspaces, request);

  app.get('/v1/messages', async (request) => {
    const workspaceId = await workspaceOf(request);
    const query = parseInput(listQuery, request.query, 'query');
    const customerId = query.customer ? await deps.customers.resolveId(workspaceId, query.customer) : undefined;
    return deps.messages.list(workspaceId, {
      status: query.status,
      channel: query.channel,
      journeyId: query.journey,
      customerId,
      limit: query.limit,
      before: query.before,
    });
  });

  app.get('/v1/messages/dead', async (request) => {
    const workspaceId = await workspaceOf(request);
    const { limit, before } = parseInput(deadQuery, request.query, 'query');
    return deps.messages.deadLetters(workspaceId, limit, before);
  });

  app.get('/v1/messages/stats', async (request) => {
    const workspaceId = await workspaceOf(request);
    const [statuses, failing] = await Promise.all([
      deps.messages.countByStatus(workspaceId),
      deps.messages.failingChannels(),
    ]);
    return { statuses, failing };
  });

  app.get<{ Params: { key: string } }>('/v1/messages/:key', async (request) => {
    const workspaceId = await workspaceOf(request);
    return { message: await deps.messages.get(workspaceId, request.params.key) };
  });

  app.post<{ Params: { key: string } }>('/v1/messages/:key/retry', async (request) => {
    const workspaceId = await workspaceOf(request);
    return { message: await deps.messages.retry(workspaceId, request.params.key) };
  });
}
