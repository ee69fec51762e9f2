import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CustomerService } from '../profiles/customer-service.ts';
import { formatDefinitionIssues } from '../shared/definition-parsing.ts';
import { invalidInput } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { workspaceOfSecret } from '../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import { parseSegment, parseSegmentText, type SegmentDefinition, type SegmentParseResult } from './segment-schema.ts';
import type { SegmentService } from './segment-service.ts';

/** Segments: create and update (JSON or YAML), list, read with size, page through members, delete. */

const sourceBody = z.strictObject({ source: z.string().min(1, { error: 'must be YAML or JSON text' }) });
const membersQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().min(1).optional(),
});

type WithId = { Params: { id: string } };

export function registerSegmentRoutes(
  app: FastifyInstance,
  deps: { segments: SegmentService; workspaces: WorkspaceService; customers: CustomerService },
): void {
  const workspaceOf = (request: FastifyRequest) => workspaceOfSecret(deps.workspaces, request);
  const { segments } = deps;

  app.get('/v1/segments', async (request) => {
    const workspaceId = await workspaceOf(request);
    return { segments: await segments.list(workspaceId) };
  });

  app.post('/v1/segments', async (request, reply) => {
    const workspaceId = await workspaceOf(request);
    const segment = await segments.create(workspaceId, definitionOf(request.body));
    return reply.code(201).send({ segment });
  });

  app.get<WithId>('/v1/segments/:id', async (request) => {
    const workspaceId = await workspaceOf(request);
    return { segment: await segments.get(workspaceId, request.params.id) };
  });

  app.put<WithId>('/v1/segments/:id', async (request) => {
    const workspaceId = await workspaceOf(request);
    return {
      segment: await segments.update(workspaceId, request.params.id, definitionOf(request.body, request.params.id)),
    };
  });

  app.get<WithId>('/v1/segments/:id/members', async (request) => {
    const workspaceId = await workspaceOf(request);
    const page = parseInput(membersQuery, request.query ?? {}, 'query');
    const { members, next } = await segments.members(workspaceId, request.params.id, page);
    return {
      members: members.map((m) => ({ customerId: m.customerId, since: new Date(m.since).toISOString() })),
      next,
    };
  });

  app.get<WithId>('/v1/customers/:id/segments', async (request) => {
    const workspaceId = await workspaceOf(request);
    const customerId = await deps.customers.resolveId(workspaceId, request.params.id);
    const memberships = await segments.segmentsOf(workspaceId, customerId);
    return { customerId, segments: memberships.map((m) => ({ ...m, since: new Date(m.since).toISOString() })) };
  });

  app.delete<WithId>('/v1/segments/:id', async (request) => {
    const workspaceId = await workspaceOf(request);
    await segments.delete(workspaceId, request.params.id);
    return { deleted: true };
  });
}

/**
 * A segment as a JSON object, or `{ "source": "<YAML or JSON text>" }`; on PUT the id may be left
 * out and comes from the path. Problems are a 400 whose details list each `{ path, message }`.
 */
function definitionOf(body: unknown, pathId?: string): SegmentDefinition {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidInput('body must be a segment as a JSON object, or { "source": "<YAML or JSON text>" }');
  }
  if (Object.keys(body).length === 1 && 'source' in body) {
    const { source } = parseInput(sourceBody, body, 'body');
    return segmentOrThrow(parseSegmentText(source), 'source');
  }
  const withId = pathId !== undefined && !('id' in body) ? { id: pathId, ...body } : body;
  return segmentOrThrow(parseSegment(withId));
}

function segmentOrThrow(result: SegmentParseResult, where = 'segment'): SegmentDefinition {
  if (result.ok) return result.segment;
  throw invalidInput(`${where} is not valid: ${formatDefinitionIssues(result.issues)}`, result.issues);
}
