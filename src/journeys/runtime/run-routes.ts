import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CustomerService } from '../../profiles/customer-service.ts';
import { notFound } from '../../shared/errors.ts';
import { readPage } from '../../shared/page-cursor.ts';
import { parseInput } from '../../shared/validation.ts';
import type { Store } from '../../storage/store.ts';
import { workspaceOfSecret } from '../../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../../workspaces/workspace-service.ts';
import type { JourneyRuntime } from './journey-runtime.ts';
import { journeyStats } from './journey-stats.ts';

/** Runs and their figures: list, inspect, cancel, start by API call, per-node counts. */

const runListQuery = z.strictObject({
  status: z.enum(['waiting', 'finished']).optional(),
  customer: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().min(1).optional(),
});

const triggerBody = z.strictObject({
  customer: z.string().min(1, { error: 'must name a customer (a Godwit id or any identifier)' }),
  by: z.enum(['id', 'user_id', 'anonymous_id', 'email', 'phone']).optional(),
  properties: z.record(z.string(), z.unknown()).default({}),
});

const cancelBody = z.strictObject({ reason: z.string().min(1).max(200).default('cancelled') });

export interface RunRouteDeps {
  store: Store;
  customers: CustomerService;
  workspaces: WorkspaceService;
  runtime: JourneyRuntime;
}

export function registerRunRoutes(app: FastifyInstance, deps: RunRouteDeps): void {
  const workspaceOf = (request: FastifyRequest) => workspaceOfSecret(deps.workspaces, request);
  const { journeys } = deps.store;
  /** The workspace of the request, after checking it has journey `id` (a 404 otherwise). */
  const journeyWorkspaceOf = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const workspaceId = await workspaceOf(request);
    const { id } = request.params;
    if (!(await journeys.getJourney(workspaceId, id))) throw notFound(`no journey with id ${id}`);
    return workspaceId;
  };

  app.get<{ Params: { id: string } }>('/v1/journeys/:id/stats', async (request) => {
    const workspaceId = await journeyWorkspaceOf(request);
    const { id } = request.params;
    return { journeyId: id, ...journeyStats(await journeys.nodeCounts(workspaceId, id)) };
  });

  app.get<{ Params: { id: string } }>('/v1/journeys/:id/runs', async (request) => {
    const workspaceId = await journeyWorkspaceOf(request);
    const { status, customer, limit, before } = parseInput(runListQuery, request.query, 'query');
    const customerId = customer ? await deps.customers.resolveId(workspaceId, customer) : undefined;
    const { shown, next } = await readPage(
      before,
      limit,
      (cursor, rows) =>
        journeys.listRuns({
          workspaceId,
          journeyId: request.params.id,
          status,
          customerId,
          limit: rows,
          before: cursor?.key,
        }),
      // Run ids sort by start time, so the id alone places the page; the start time fills the cursor's `at`.
      (run) => ({ at: run.startedAt, key: run.runId }),
    );
    return { runs: shown, next };
  });

  app.post<{ Params: { id: string } }>('/v1/journeys/:id/trigger', async (request) => {
    const workspaceId = await journeyWorkspaceOf(request);
    const body = parseInput(triggerBody, request.body ?? {}, 'body');
    const customerId = await deps.customers.resolveId(workspaceId, body.customer, body.by);
    return deps.runtime.trigger(workspaceId, request.params.id, { customerId, properties: body.properties });
  });

  app.get<{ Params: { runId: string } }>('/v1/runs/:runId', async (request) => {
    const workspaceId = await workspaceOf(request);
    const [run] = await journeys.getRuns([request.params.runId]);
    if (!run || run.workspaceId !== workspaceId) throw notFound(`no run with id ${request.params.runId}`);
    return { run: run.state, path: run.path };
  });

  app.post<{ Params: { runId: string } }>('/v1/runs/:runId/cancel', async (request) => {
    const workspaceId = await workspaceOf(request);
    const { reason } = parseInput(cancelBody, request.body ?? {}, 'body');
    const run = await deps.runtime.cancel(workspaceId, request.params.runId, reason);
    return { run: run.state, path: run.path };
  });

  app.get<{ Params: { id: string } }>('/v1/customers/:id/journeys', async (request) => {
    const workspaceId = await workspaceOf(request);
    const customerId = await deps.customers.resolveId(workspaceId, request.params.id);
    const summaries = await journeys.listRuns({ workspaceId, customerId, limit: 100 });
    const runs = await journeys.getRuns(summaries.map((s) => s.runId));
    const byId = new Map(runs.map((r) => [r.state.runId, r]));
    return {
      customerId,
      runs: summaries.map((summary) => ({ ...summary, path: byId.get(summary.runId)?.path ?? [] })),
    };
  });
}
