import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** A readiness check: undefined when fine, else the reason in words. */
export type ReadinessCheck = () => Promise<string | undefined>;

const within = async (check: ReadinessCheck, ms: number): Promise<string | undefined> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
  });
  try {
    return await Promise.race([check().catch((error: Error) => error.message ?? String(error)), late]);
  } finally {
    clearTimeout(timer);
  }
};

/** The checks of what the process depends on now: read per request, as roles start after the route exists. */
export type ReadinessChecks = () => Readonly<Record<string, ReadinessCheck>>;

/**
 * `GET /readyz`: 200 `{ status: 'ready', checks }` when every check passes, else 503 with each
 * failing check's reason, so a load balancer or orchestrator sends no work to a process that
 * cannot do it.
 */
export function registerReadyRoute(app: FastifyInstance, checks: ReadinessChecks): void {
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      Object.entries(checks()).map(async ([name, check]) => [name, (await within(check, 3_000)) ?? 'ok'] as const),
    );
    const failed = results.filter(([, result]) => result !== 'ok');
    return reply.code(failed.length === 0 ? 200 : 503).send({
      status: failed.length === 0 ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results),
      ...(failed.length > 0 ? { reason: failed.map(([name, why]) => `${name}: ${why}`).join('; ') } : {}),
    });
  });
}

/** A worker's HTTP surface: health, readiness and metrics only (the API is served by `godwit api`). */
export function buildOpsApp(options: { registry: Registry; checks: ReadinessChecks }): FastifyInstance {
  const app = Fastify();
  app.get('/healthz', async () => ({ status: 'ok' }));
  registerReadyRoute(app, options.checks);
  app.get('/metrics', async (_request, reply) =>
    reply.type(options.registry.contentType).send(await options.registry.metrics()),
  );
  return app;
}
