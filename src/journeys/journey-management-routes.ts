import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { invalidInput } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { workspaceOfSecret } from '../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import { journeyOrThrow } from './journey-input.ts';
import { type JourneyDefinition, parseJourney, parseJourneyText } from './journey-schema.ts';
import type { JourneyService } from './journey-service.ts';
import { JOURNEY_STATUSES, NEW_JOURNEY_STATUSES } from './journey-status.ts';

/**
 * Stored journeys: list, create, read, update, change status, read a version, install from the
 * catalog. Every change goes through JourneyService.
 */

const statusSchema = z.enum(JOURNEY_STATUSES, { error: `must be one of ${JOURNEY_STATUSES.join(', ')}` });
const listQuery = z.strictObject({ status: statusSchema.optional() });
const statusBody = z.strictObject({ status: statusSchema });
const newStatusSchema = z.enum(NEW_JOURNEY_STATUSES, { error: `must be one of ${NEW_JOURNEY_STATUSES.join(', ')}` });
const installBody = z.strictObject({ status: newStatusSchema.optional() });
const versionParams = z.object({
  id: z.string(),
  version: z.coerce.number({ error: 'must be a version number' }).int().min(1, { error: 'must be 1 or more' }),
});
const sourceBody = z.strictObject({ source: z.string().min(1, { error: 'must be YAML or JSON text' }) });

type WithId = { Params: { id: string } };

export function registerJourneyManagementRoutes(
  app: FastifyInstance,
  deps: { journeys: JourneyService; workspaces: WorkspaceService },
): void {
  const workspaceOf = (request: FastifyRequest) => workspaceOfSecret(deps.workspaces, request);
  const { journeys } = deps;

  app.get('/v1/journeys', async (request) => {
    const workspaceId = await workspaceOf(request);
    const { status } = parseInput(listQuery, request.query ?? {}, 'query');
    return { journeys: await journeys.list(workspaceId, { status }) };
  });

  app.post('/v1/journeys', async (request, reply) => {
    const workspaceId = await workspaceOf(request);
    const { journey, missingReferences, warnings } = await journeys.create(workspaceId, definitionOf(request.body));
    return reply.code(201).send({ journey, missingReferences, warnings });
  });

  app.get<WithId>('/v1/journeys/:id', async (request) => {
    const workspaceId = await workspaceOf(request);
    return { journey: await journeys.get(workspaceId, request.params.id) };
  });

  app.put<WithId>('/v1/journeys/:id', async (request) => {
    const workspaceId = await workspaceOf(request);
    return journeys.update(workspaceId, request.params.id, definitionOf(request.body));
  });

  app.post<WithId>('/v1/journeys/:id/status', async (request) => {
    const workspaceId = await workspaceOf(request);
    const { status } = parseInput(statusBody, request.body ?? {}, 'body');
    return journeys.setStatus(workspaceId, request.params.id, status);
  });

  app.get('/v1/journeys/:id/versions/:version', async (request) => {
    const workspaceId = await workspaceOf(request);
    const { id, version } = parseInput(versionParams, request.params, 'path');
    const found = await journeys.version(workspaceId, id, version);
    return { version: { version: found.version, createdAt: found.createdAt, definition: found.definition } };
  });

  app.post<WithId>('/v1/journeys/catalog/:id/install', async (request, reply) => {
    const workspaceId = await workspaceOf(request);
    const { status } = parseInput(installBody, request.body ?? {}, 'body');
    return reply.code(201).send(await journeys.install(workspaceId, request.params.id, { status }));
  });
}

/** A journey as a JSON object, or `{ "source": "<YAML or JSON text>" }` as the validate call takes it. */
function definitionOf(body: unknown): JourneyDefinition {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidInput('body must be a journey as a JSON object, or { "source": "<YAML or JSON text>" }');
  }
  if (Object.keys(body).length === 1 && 'source' in body) {
    const { source } = parseInput(sourceBody, body, 'body');
    return journeyOrThrow(parseJourneyText(source), 'source');
  }
  return journeyOrThrow(parseJourney(body));
}
