import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CustomerService } from '../profiles/customer-service.ts';
import { invalidInput } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import type { Store } from '../storage/store.ts';
import { workspaceOfSecret } from '../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import { previewTemplate } from './template-preview.ts';
import {
  formatTemplateIssues,
  parseTemplate,
  parseTemplateText,
  TEMPLATE_CHANNELS,
  type TemplateDefinition,
  type TemplateParseResult,
} from './template-schema.ts';
import type { TemplateService } from './template-service.ts';

/** Templates: list, create, read, update, delete, read a version, and preview for a real customer. */

const sourceBody = z.strictObject({ source: z.string().min(1, { error: 'must be YAML or JSON text' }) });
const previewBody = z.strictObject({
  customer: z.string().min(1, { error: 'must name a customer (id or identifier)' }),
  channel: z.enum(TEMPLATE_CHANNELS, { error: `must be one of ${TEMPLATE_CHANNELS.join(', ')}` }).optional(),
  locale: z.string().min(1).optional(),
  event: z
    .strictObject({
      name: z.string().optional(),
      properties: z.record(z.string(), z.unknown()).optional(),
      timestamp: z.string().optional(),
    })
    .optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
const versionParams = z.object({
  id: z.string(),
  version: z.coerce.number({ error: 'must be a version number' }).int().min(1, { error: 'must be 1 or more' }),
});

type WithId = { Params: { id: string } };

export function registerTemplateRoutes(
  app: FastifyInstance,
  deps: {
    templates: TemplateService;
    workspaces: WorkspaceService;
    customers: CustomerService;
    store: Store;
  },
): void {
  const workspaceOf = (request: FastifyRequest) => workspaceOfSecret(deps.workspaces, request);
  const { templates } = deps;

  app.get('/v1/templates', async (request) => ({ templates: await templates.list(await workspaceOf(request)) }));

  app.post('/v1/templates', async (request, reply) => {
    const workspaceId = await workspaceOf(request);
    const template = await templates.create(workspaceId, definitionOf(request.body));
    return reply.code(201).send({ template });
  });

  app.get<WithId>('/v1/templates/:id', async (request) => {
    const workspaceId = await workspaceOf(request);
    return { template: await templates.get(workspaceId, request.params.id) };
  });

  app.put<WithId>('/v1/templates/:id', async (request) => {
    const workspaceId = await workspaceOf(request);
    const body = request.body;
    // The id may be left out of the body: it is in the path.
    const withId =
      body && typeof body === 'object' && !Array.isArray(body) && !('source' in body) && !('id' in body)
        ? { id: request.params.id, ...body }
        : body;
    return templates.update(workspaceId, request.params.id, definitionOf(withId));
  });

  app.delete<WithId>('/v1/templates/:id', async (request) => {
    const workspaceId = await workspaceOf(request);
    await templates.delete(workspaceId, request.params.id);
    return { deleted: true };
  });

  app.get('/v1/templates/:id/versions/:version', async (request) => {
    const workspaceId = await workspaceOf(request);
    const { id, version } = parseInput(versionParams, request.params, 'path');
    return { version, definition: await templates.version(workspaceId, id, version) };
  });

  app.post<WithId>('/v1/templates/:id/preview', async (request) => {
    const workspaceId = await workspaceOf(request);
    const body = parseInput(previewBody, request.body ?? {}, 'body');
    return previewTemplate({ ...deps, now: templates.now() }, workspaceId, { ...body, templateId: request.params.id });
  });
}

/** A template as a JSON object, or `{ "source": "<YAML or JSON text>" }`. */
function definitionOf(body: unknown): TemplateDefinition {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidInput('body must be a template as a JSON object, or { "source": "<YAML or JSON text>" }');
  }
  if (Object.keys(body).length === 1 && 'source' in body) {
    const { source } = parseInput(sourceBody, body, 'body');
    return templateOrThrow(parseTemplateText(source), 'source');
  }
  return templateOrThrow(parseTemplate(body));
}

/** A parse result as a template, or a 400 whose details are the issues, each `{ path, message }`. */
export function templateOrThrow(result: TemplateParseResult, where = 'template'): TemplateDefinition {
  if (result.ok) return result.template;
  throw invalidInput(`${where} is not valid: ${formatTemplateIssues(result.issues)}`, result.issues);
}
