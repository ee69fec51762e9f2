import type { FastifyInstance } from 'fastify';
import webpush from 'web-push';
import { z } from 'zod';
import { writeKeyOf } from '../../../ingestion/ingestion-routes.ts';
import type { IngestionService } from '../../../ingestion/ingestion-service.ts';
import { invalidInput } from '../../../shared/errors.ts';
import type { WorkspaceService } from '../../../workspaces/workspace-service.ts';
import type { WorkspaceSecrets } from '../../credentials/workspace-secrets.ts';
import type { VapidKeys } from './webpush-provider.ts';

export const VAPID_SECRET = 'vapid';

const subscriptionBody = z
  .object({
    userId: z.string().min(1).optional(),
    anonymousId: z.string().min(1).optional(),
    writeKey: z.string().optional(),
    subscription: z.object({
      endpoint: z.url({ protocol: /^https?$/ }),
      expirationTime: z.number().nullable().optional(),
      keys: z.object({ p256dh: z.string().min(1), auth: z.string().min(1) }),
    }),
  })
  .refine((b) => b.userId || b.anonymousId, { message: 'needs userId or anonymousId', path: ['userId'] });

/** The workspace's VAPID keys, generated and sealed on first use. */
export async function vapidKeysOf(secrets: WorkspaceSecrets, workspaceId: string): Promise<VapidKeys> {
  const text = await secrets.getOrCreate(workspaceId, VAPID_SECRET, () => JSON.stringify(webpush.generateVAPIDKeys()));
  return JSON.parse(text) as VapidKeys;
}

/**
 * The browser side of web push, authenticated by the write key like ingestion: the public key for
 * `pushManager.subscribe({ applicationServerKey })`, and the subscription stored on the customer as
 * the `push_subscription` trait through an identify, so it reaches the profile in log order.
 */
export function registerWebPushRoutes(
  app: FastifyInstance,
  deps: { workspaces: WorkspaceService; ingestion: IngestionService; secrets: WorkspaceSecrets },
): void {
  app.get<{ Querystring: { writeKey?: string } }>('/v1/push/vapid-public-key', async (request) => {
    const workspaceId = await deps.workspaces.authenticate(writeKeyOf(request, request.query), 'write');
    return { publicKey: (await vapidKeysOf(deps.secrets, workspaceId)).publicKey };
  });
  app.post('/v1/push/subscriptions', async (request, reply) => {
    const workspaceId = await deps.workspaces.authenticate(writeKeyOf(request, request.body), 'write');
    const parsed = subscriptionBody.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalidInput(`${issue?.path.join('.') || 'body'}: ${issue?.message}`);
    }
    const { userId, anonymousId, subscription } = parsed.data;
    await deps.ingestion.ingestOne(workspaceId, 'identify', {
      ...(userId ? { userId } : {}),
      ...(anonymousId ? { anonymousId } : {}),
      traits: { push_subscription: JSON.stringify(subscription) },
      context: { godwit: { source: 'push subscription' } },
    });
    return reply.code(201).send({ success: true });
  });
}
