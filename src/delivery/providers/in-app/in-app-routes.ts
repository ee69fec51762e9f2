import { readFileSync } from 'node:fs';
import type { OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { writeKeyOf } from '../../../ingestion/ingestion-routes.ts';
import type { CustomerService } from '../../../profiles/customer-service.ts';
import { GodwitError, invalidInput } from '../../../shared/errors.ts';
import type { WorkspaceService } from '../../../workspaces/workspace-service.ts';
import type { InAppHub, InAppStream } from './in-app-hub.ts';

export interface InAppRouteDeps {
  hub: InAppHub;
  workspaces: WorkspaceService;
  customers: CustomerService;
  /** Comment lines that keep proxies from closing an idle stream (default 25 s). */
  heartbeatMs?: number;
  /** How soon a browser retries when its customer is not known yet (default 60 s). */
  unknownRetryMs?: number;
}

interface StreamQuery {
  writeKey?: string;
  userId?: string;
  anonymousId?: string;
}

const SCRIPT = readFileSync(new URL('./godwit-in-app.js', import.meta.url));

/**
 * The browser side of in-app messages: the script, and a server-sent event stream per page,
 * authenticated by the write key (EventSource cannot send headers, so it is in the query).
 */
export function registerInAppRoutes(app: FastifyInstance, deps: InAppRouteDeps): void {
  app.get('/v1/in-app/godwit-in-app.js', async (_request, reply) =>
    reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(SCRIPT),
  );

  app.get<{ Querystring: StreamQuery }>('/v1/in-app/stream', async (request, reply) => {
    const workspaceId = await deps.workspaces.authenticate(writeKeyOf(request, request.query), 'write');
    const { userId, anonymousId } = request.query;
    if (!userId && !anonymousId) throw invalidInput('needs userId or anonymousId');
    const customerId = await customerOf(deps.customers, workspaceId, request.query);
    reply.hijack();
    const raw = reply.raw;
    // Hijacked, so the CORS headers set by the plugin are copied over by hand.
    raw.writeHead(200, {
      ...definedHeaders(reply.getHeaders()),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    if (!customerId) {
      // An identify not profiled yet: the browser comes back later instead of giving up.
      raw.end(`retry: ${deps.unknownRetryMs ?? 60_000}\n: no such customer yet\n\n`);
      return;
    }
    raw.write('retry: 3000\n: connected\n\n');
    const target = { workspaceId, customerId, lastEventId: lastEventIdOf(request) };
    const stream: InAppStream = {
      send: (event) => raw.write(`id: ${event.id}\ndata: ${event.data}\n\n`),
      close: () => raw.end(),
    };
    const heartbeat = setInterval(() => raw.write(': ping\n\n'), deps.heartbeatMs ?? 25_000);
    raw.on('close', () => {
      clearInterval(heartbeat);
      deps.hub.disconnect(target, stream);
    });
    await deps.hub.connect(target, stream).catch((error: unknown) => {
      request.log.warn({ err: error }, 'in-app stream failed to load waiting messages');
      raw.end();
    });
  });

  // Streams never end by themselves; without this, closing the server would wait for every browser.
  app.addHook('preClose', async () => deps.hub.closeAll());
}

async function customerOf(
  customers: CustomerService,
  workspaceId: string,
  query: StreamQuery,
): Promise<string | undefined> {
  const tries = [
    [query.userId, 'user_id'],
    [query.anonymousId, 'anonymous_id'],
  ] as const;
  for (const [value, by] of tries) {
    if (!value) continue;
    try {
      return await customers.resolveId(workspaceId, value, by);
    } catch (error) {
      if (!(error instanceof GodwitError && error.code === 'not_found')) throw error;
    }
  }
  return undefined;
}

function definedHeaders(headers: Record<string, OutgoingHttpHeader | undefined>): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined));
}

function lastEventIdOf(request: FastifyRequest): string | undefined {
  const header = request.headers['last-event-id'];
  return typeof header === 'string' && header ? header : undefined;
}
