import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CustomerService } from '../profiles/customer-service.ts';
import type { Clock } from '../shared/clock.ts';
import { invalidInput } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import type { Store } from '../storage/store.ts';
import { workspaceOfSecret } from '../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import { simulateForCustomer, simulationParamsSchema } from './customer-simulation.ts';
import { catalogJourney, catalogSummaries, journeyOrThrow, resolveJourney } from './journey-input.ts';
import { parseJourney, parseJourneyText } from './journey-schema.ts';

/** Read-only journey calls: validate a definition, browse the catalog, simulate for a customer. */

const sourceBody = z.strictObject({ source: z.string().min(1, { error: 'must be YAML or JSON text' }) });

const simulateBody = simulationParamsSchema.extend({
  journey: z.unknown().optional(),
  catalogId: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  customer: z.string().min(1, { error: 'must name a customer (a Godwit id or any identifier)' }),
  by: z.enum(['id', 'user_id', 'anonymous_id', 'email', 'phone']).optional(),
});

export function registerJourneyRoutes(
  app: FastifyInstance,
  deps: { store: Store; customers: CustomerService; workspaces: WorkspaceService; clock: Clock },
): void {
  const workspaceOf = (request: FastifyRequest) => workspaceOfSecret(deps.workspaces, request);

  app.post('/v1/journeys/validate', async (request) => {
    await workspaceOf(request);
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      throw invalidInput('body must be a journey as a JSON object, or { "source": "<YAML or JSON text>" }');
    }
    const body = request.body as Record<string, unknown>;
    if (Object.keys(body).length === 1 && 'source' in body) {
      const { source } = parseInput(sourceBody, body, 'body');
      return { valid: true, journey: journeyOrThrow(parseJourneyText(source), 'source') };
    }
    return { valid: true, journey: journeyOrThrow(parseJourney(body)) };
  });

  app.get('/v1/journeys/catalog', async (request) => {
    await workspaceOf(request);
    return { journeys: catalogSummaries() };
  });

  app.get<{ Params: { id: string } }>('/v1/journeys/catalog/:id', async (request) => {
    await workspaceOf(request);
    return { journey: catalogJourney(request.params.id) };
  });

  app.post('/v1/journeys/simulate', async (request) => {
    const workspaceId = await workspaceOf(request);
    const { journey, catalogId, source, customer, by, ...params } = parseInput(
      simulateBody,
      request.body ?? {},
      'body',
    );
    const definition = resolveJourney({ journey, catalogId, source });
    return simulateForCustomer({
      store: deps.store,
      customers: deps.customers,
      workspaceId,
      customer,
      by,
      definition,
      params,
      clockNow: deps.clock.now(),
    });
  });
}
