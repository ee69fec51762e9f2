import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CHANNELS } from '../delivery/channel-choice.ts';
import { summaryOf } from '../delivery/message-service.ts';
import { readPage } from '../shared/page-cursor.ts';
import { parseInput } from '../shared/validation.ts';
import type { Store, StoredEvent } from '../storage/store.ts';
import { workspaceOfSecret } from '../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import { ALL_TOPICS } from './consent-status.ts';
import type { CustomerService } from './customer-service.ts';
import type { TimelineEntry } from './customer-timeline.ts';

const lookupQuery = z.object({
  by: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().optional(),
});
const searchQuery = z.object({
  q: z.string().optional(),
  trait: z
    .string()
    .regex(/^[^:]+:.*$/, 'must look like name:value')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().min(1).optional(),
});
const consentBody = z.object({
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }),
  topic: z.string().min(1).default(ALL_TOPICS),
  status: z.enum(['granted', 'denied']),
  source: z.string().default('api'),
});

/** Events as the API shows them: the stored Segment message plus its sequence number. */
const eventEntry = (event: StoredEvent) => ({ seq: event.seq, ...JSON.parse(event.payload) });

/** Timeline entries: events as above; messages as `{ type: 'message', timestamp, ...summary }`. */
const timelineEntry = (entry: TimelineEntry) =>
  entry.source === 'event'
    ? eventEntry(entry.event)
    : { type: 'message', timestamp: new Date(entry.at).toISOString(), ...summaryOf(entry.message) };

export function registerCustomerRoutes(
  app: FastifyInstance,
  deps: { customers: CustomerService; workspaces: WorkspaceService; store: Store },
): void {
  const workspaceOf = (request: FastifyRequest) => workspaceOfSecret(deps.workspaces, request);
  const customerOf = async (request: FastifyRequest<{ Params: { id: string }; Querystring: { by?: string } }>) => {
    const workspaceId = await workspaceOf(request);
    const customerId = await deps.customers.resolveId(workspaceId, request.params.id, request.query.by);
    return { workspaceId, customerId };
  };

  app.get('/v1/customers', async (request) => {
    const workspaceId = await workspaceOf(request);
    const query = parseInput(searchQuery, request.query, 'query');
    const [name, ...rest] = query.trait?.split(':') ?? [];
    const trait = name ? { name, value: rest.join(':') } : undefined;
    const { shown, next } = await readPage(
      query.before,
      query.limit,
      (cursor, limit) =>
        deps.store.searchCustomers({
          workspaceId,
          query: query.q,
          trait,
          limit,
          before: cursor && { at: cursor.at, afterId: cursor.key },
        }),
      (profile) => ({ at: profile.createdAt, key: profile.id }),
    );
    return { customers: shown, next };
  });

  app.get<{ Params: { id: string }; Querystring: { by?: string } }>('/v1/customers/:id', async (request) => {
    const { workspaceId, customerId } = await customerOf(request);
    const page = parseInput(lookupQuery, request.query, 'query');
    const view = await deps.customers.view(workspaceId, customerId, page);
    return { ...view, timeline: { events: view.timeline.entries.map(timelineEntry), next: view.timeline.next } };
  });

  app.put<{ Params: { id: string }; Querystring: { by?: string } }>('/v1/customers/:id/consent', async (request) => {
    const { workspaceId, customerId } = await customerOf(request);
    const change = parseInput(consentBody, request.body ?? {}, 'body');
    return { consent: await deps.customers.setConsent(workspaceId, customerId, change) };
  });

  app.get<{ Params: { id: string }; Querystring: { by?: string } }>('/v1/customers/:id/export', async (request) => {
    const { workspaceId, customerId } = await customerOf(request);
    const data = await deps.customers.export(workspaceId, customerId);
    return { ...data, events: data.events.map(eventEntry) };
  });

  app.delete<{ Params: { id: string }; Querystring: { by?: string } }>('/v1/customers/:id', async (request) => {
    const { workspaceId, customerId } = await customerOf(request);
    await deps.customers.erase(workspaceId, customerId);
    return { deleted: customerId };
  });
}
