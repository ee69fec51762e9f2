import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  eventsIngested: Counter;
}

/** A registry per app (not the global one), so several Godwit instances can live in one process. */
export function createMetrics(gauges: { profileLag: () => Promise<number>; ingestQueue: () => number }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'godwit_' });
  const eventsIngested = new Counter({
    name: 'godwit_events_ingested_total',
    help: 'Events committed to the event log (duplicates excluded)',
    registers: [registry],
  });
  new Gauge({
    name: 'godwit_profile_lag_events',
    help: 'Events in the log not yet folded into profiles',
    registers: [registry],
    async collect() {
      this.set(await gauges.profileLag());
    },
  });
  new Gauge({
    name: 'godwit_ingest_queue_events',
    help: 'Events waiting for the next group commit',
    registers: [registry],
    collect() {
      this.set(gauges.ingestQueue());
    },
  });
  return { registry, eventsIngested };
}

export function registerMetricsRoutes(app: FastifyInstance, metrics: Metrics): void {
  const duration = new Histogram({
    name: 'godwit_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
