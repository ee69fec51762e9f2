import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../shared/clock.ts';
import { GodwitError } from '../../../shared/errors.ts';
import type { Store } from '../../../storage/store.ts';
import type { DeliveryEvent, StatusEventSink } from '../webhooks/delivery-events.ts';
import type { InboundMessages } from '../webhooks/inbound-messages.ts';
import { webhookWorkspace } from '../webhooks/webhook-workspace.ts';
import type { WhatsAppCallbackData } from './whatsapp-provider.ts';
import { isValidWhatsAppSignature } from './whatsapp-signature.ts';

export interface WhatsAppWebhookDeps {
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly store: Store;
  readonly clock: Clock;
  readonly deliveryEvents: StatusEventSink;
  readonly inbound: InboundMessages;
}

interface StatusItem {
  id: string;
  status: string;
  timestamp?: string;
  recipient_id?: string;
  biz_opaque_callback_data?: string;
  errors?: { code?: number; title?: string; message?: string }[];
}
interface MessageItem {
  id: string;
  from: string;
  timestamp?: string;
  type: string;
  text?: { body?: string };
  button?: { text?: string };
  interactive?: { button_reply?: { title?: string }; list_reply?: { title?: string } };
}
interface ChangeValue {
  metadata?: { display_phone_number?: string; phone_number_id?: string };
  statuses?: StatusItem[];
  messages?: MessageItem[];
}

const STATUSES: Record<string, DeliveryEvent['status']> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};

/** The subscription handshake, and status/message notifications signed with X-Hub-Signature-256 over the raw body. */
export function registerWhatsAppWebhookRoutes(scope: FastifyInstance, deps: WhatsAppWebhookDeps): void {
  scope.get('/v1/webhooks/whatsapp', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    if (query['hub.mode'] !== 'subscribe' || query['hub.verify_token'] !== deps.verifyToken) {
      throw new GodwitError('forbidden', 'hub.verify_token does not match GODWIT_WHATSAPP_VERIFY_TOKEN');
    }
    return reply.type('text/plain').send(query['hub.challenge'] ?? '');
  });

  scope.post('/v1/webhooks/whatsapp', async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!isValidWhatsAppSignature(deps.appSecret, raw, request.headers['x-hub-signature-256'] as string | undefined)) {
      throw new GodwitError('forbidden', 'X-Hub-Signature-256 does not match this body');
    }
    const payload = JSON.parse(raw.toString('utf8')) as {
      entry?: { changes?: { field?: string; value?: ChangeValue }[] }[];
    };
    const workspace = () => webhookWorkspace(deps.store, request.query);
    for (const entry of payload.entry ?? []) {
      for (const change of entry.changes ?? []) {
        if (change.field !== 'messages' || !change.value) continue;
        for (const status of change.value.statuses ?? []) await recordStatus(deps, status, workspace);
        for (const message of change.value.messages ?? []) {
          await deps.inbound.receive({
            workspaceId: await workspace(),
            provider: 'whatsapp',
            eventName: 'WhatsApp Received',
            from: `+${message.from.replace(/^\+/, '')}`,
            to: change.value.metadata?.display_phone_number ?? '',
            text: textOf(message),
            providerMessageId: message.id,
            at: secondsToMs(message.timestamp) ?? deps.clock.now(),
            properties: { message_type: message.type },
          });
        }
      }
    }
    return reply.code(200).send({ received: true });
  });
}

async function recordStatus(
  deps: WhatsAppWebhookDeps,
  status: StatusItem,
  workspace: () => Promise<string>,
): Promise<void> {
  const mapped = STATUSES[status.status];
  if (!mapped) return;
  const ours = callbackDataOf(status.biz_opaque_callback_data);
  const error = status.errors?.[0];
  await deps.deliveryEvents.record({
    workspaceId: ours?.w ?? (await workspace()),
    provider: 'whatsapp',
    channel: 'whatsapp',
    providerMessageId: status.id,
    ...(ours ? { customerId: ours.c, idempotencyKey: ours.k } : {}),
    status: mapped,
    providerStatus: status.status,
    at: secondsToMs(status.timestamp) ?? deps.clock.now(),
    ...(error
      ? {
          error: {
            code: `whatsapp_${error.code ?? 'unknown'}`,
            message: error.message ?? error.title ?? status.status,
          },
        }
      : {}),
  });
}

function callbackDataOf(text: string | undefined): WhatsAppCallbackData | undefined {
  if (!text) return undefined;
  try {
    const data = JSON.parse(text) as Partial<WhatsAppCallbackData>;
    return typeof data.w === 'string' && typeof data.c === 'string' && typeof data.k === 'string'
      ? (data as WhatsAppCallbackData)
      : undefined;
  } catch {
    return undefined;
  }
}

function textOf(message: MessageItem): string {
  return (
    message.text?.body ??
    message.button?.text ??
    message.interactive?.button_reply?.title ??
    message.interactive?.list_reply?.title ??
    `[${message.type}]`
  );
}

function secondsToMs(value: string | undefined): number | undefined {
  const seconds = Number(value);
  return value && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
