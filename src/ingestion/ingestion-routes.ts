import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isObject } from '../shared/json.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import type { IngestionService } from './ingestion-service.ts';
import { decodeJsonBody } from './request-body.ts';
import { type MessageType, messageTypes } from './segment-schema.ts';

/** The write key travels as the HTTP Basic user name, or as `writeKey` in the body (analytics.js). */
export function writeKeyOf(request: FastifyRequest, body: unknown): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    if (user) return user;
  }
  return isObject(body) && typeof body.writeKey === 'string' ? body.writeKey : undefined;
}

export function registerIngestionRoutes(
  app: FastifyInstance,
  deps: { ingestion: IngestionService; workspaces: WorkspaceService },
): void {
  const handle = (type: MessageType | 'batch') => async (request: FastifyRequest) => {
    const encoding = request.headers['content-encoding'];
    if (type === 'batch') {
      // Batches are decoded and validated off the main thread (IngestionService.ingestBatchBody).
      await deps.ingestion.ingestBatchBody(request.body as Buffer, encoding, (writeKey) =>
        deps.workspaces.authenticate(writeKeyOf(request, { writeKey }), 'write'),
      );
      return { success: true };
    }
    const body = decodeJsonBody(request.body as Buffer, encoding);
    const workspaceId = await deps.workspaces.authenticate(writeKeyOf(request, body), 'write');
    await deps.ingestion.ingestOne(workspaceId, type, body);
    return { success: true };
  };
  app.register(async (scope) => {
    // Bodies arrive as bytes in any content type (gzip, text/plain) and are decoded by decodeJsonBody.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: TRANSPORT_LIMIT }, (_request, body, done) =>
      done(null, body),
    );
    for (const type of [...messageTypes, 'batch'] as const) {
      // analytics.js posts to one-letter paths (/v1/t, /v1/i, … /v1/b for batches).
      for (const path of [type, type.charAt(0)]) scope.post(`/v1/${path}`, handle(type));
    }
  });
}

/** Bytes read off the wire before decoding; the spec's 500 KB limit is checked on the decoded body. */
const TRANSPORT_LIMIT = 4 * 1024 * 1024;
