import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GodwitError } from '../shared/errors.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';

/** Where @segment/analytics-next keeps its browser build, if it is installed. */
function analyticsJsDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@segment/analytics-next/package.json');
    const dir = join(dirname(pkg), 'dist', 'umd');
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The CDN settings analytics.js fetches at load, pointing its Segment.io destination back at Godwit. */
export function cdnSettings(writeKey: string, apiBase: { host: string; protocol: string }) {
  return {
    integrations: {
      'Segment.io': {
        apiKey: writeKey,
        apiHost: `${apiBase.host}/v1`,
        protocol: apiBase.protocol,
        unbundledIntegrations: [],
      },
    },
    plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } } },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}

/**
 * Lets the unmodified Segment snippet and @segment/analytics-next load from Godwit: set the
 * snippet's CDN (`analytics._cdn`) to Godwit's URL and everything it fetches is served here.
 */
export function registerAnalyticsJsRoutes(app: FastifyInstance, deps: { workspaces: WorkspaceService }): void {
  const dir = analyticsJsDir();
  const sendScript = async (reply: FastifyReply, file: string) => {
    if (!dir || !/^[\w.-]+\.js$/.test(file) || !existsSync(join(dir, file))) {
      throw new GodwitError('not_found', `no analytics.js file ${file}`);
    }
    return reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(await readFile(join(dir, file)));
  };

  app.get<{ Params: { writeKey: string } }>('/v1/projects/:writeKey/settings', async (request) => {
    await deps.workspaces.authenticate(request.params.writeKey, 'write');
    return cdnSettings(request.params.writeKey, publicBase(request));
  });
  app.get<{ Params: { writeKey: string } }>('/analytics.js/v1/:writeKey/analytics.min.js', async (request, reply) => {
    await deps.workspaces.authenticate(request.params.writeKey, 'write');
    return sendScript(reply, 'standalone.js');
  });
  app.get<{ Params: { file: string } }>('/analytics-next/bundles/:file', (request, reply) =>
    sendScript(reply, request.params.file),
  );
}

function publicBase(request: FastifyRequest): { host: string; protocol: string } {
  // Behind a proxy, the browser reached Godwit at the forwarded host and protocol.
  const first = (header: string | string[] | undefined) =>
    typeof header === 'string' ? header.split(',')[0]?.trim() || undefined : undefined;
  return {
    host: first(request.headers['x-forwarded-host']) ?? request.headers.host ?? request.hostname,
    protocol: first(request.headers['x-forwarded-proto']) ?? request.protocol,
  };
}
