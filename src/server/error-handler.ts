import type { FastifyError, FastifyInstance } from 'fastify';
import { GodwitError } from '../shared/errors.ts';

/** One place turns every failure into `{ error: { code, message } }` with the status from the code table. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | GodwitError, request, reply) => {
    if (error instanceof GodwitError) {
      const wait = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (typeof wait === 'number') reply.header('retry-after', String(wait));
      return reply
        .status(error.status)
        .send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(status).send({ error: { code: 'internal', message: 'internal error; see the server log' } });
    }
    const code =
      ({ 413: 'too_large', 404: 'not_found', 415: 'unsupported_media_type' } as const)[status] ?? 'invalid_input';
    return reply.status(status === 413 ? 400 : status).send({ error: { code, message: error.message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url}` } }),
  );
}
