import type { FastifyRequest } from 'fastify';
import type { WorkspaceService } from './workspace-service.ts';

/** The workspace of the secret key in `Authorization: Bearer <key>`, or a 401. */
export function workspaceOfSecret(workspaces: WorkspaceService, request: FastifyRequest): Promise<string> {
  const header = request.headers.authorization;
  return workspaces.authenticate(header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined, 'secret');
}
