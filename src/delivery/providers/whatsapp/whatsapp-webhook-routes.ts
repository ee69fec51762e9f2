import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { CustomerService } from '../../../profiles/customer-service.ts';
import type { Clock } from '../../../shared/clock.ts';
import { GodwitError } from '../../../shared/errors.ts';
import type { Store } from '../../../storage/store.ts';
import type { DeliveryEvent, StatusEventSink } from '../webhooks/delivery-events.ts';
import type { InboundMessages } from '../webhooks/inbound-messages.ts';
import { applyKeywordConsent } from '../webhooks/keyword-consent.ts';
import { keywordReply, optOutKeywordOf } from '../webhooks/opt-out-keywords.ts';
import { webhookWorkspace } from '../webhooks/webhook-workspace.ts';
import type { WhatsAppCallbackData, WhatsAppProvider } from './whatsapp-provider.ts';
import { isValidWhatsAppSignature } from './whatsapp-signature.ts';

export interface WhatsAppWebhookDeps {
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly store: Store;
  readonly customers: CustomerService;
  readonly clock: Clock;
  readonly deliveryEvents: StatusEventSink;
  readonly inbound: InboundMessages;
  /** Answers STOP and START; without it (no GODWIT_WHATSAPP_TOKEN) consent still changes, unanswered. */
  readonly replies?: Pick<WhatsAppProvider, 'sendText'>;
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
    const payload = notification(raw);
    const workspace = () => webhookWorkspace(deps.store, request.query);
    for (const entry of payload.entry ?? []) {
      for (const change of entry.changes ?? []) {
        if (change.field !== 'messages' || !change.value) continue;
        for (const status of change.value.statuses ?? []) await recordStatus(deps, status, workspace);
        for (const message of change.value.messages ?? []) {
          const to = change.value.metadata?.display_phone_number ?? '';
          await receiveMessage(deps, { message, to, workspaceId: await workspace(), log: request.log });
        }
      }
    }
    return reply.code(200).send({ received: true });
  });
}

/**
 * Files the message on the customer's timeline and applies an opt-out keyword to their WhatsApp
 * consent, as for SMS. No carrier answers keywords on WhatsApp, so Godwit confirms a change itself:
 * the customer has just written, so the 24-hour window for a free-form reply is open. HELP changes
 * nothing and gets no canned answer: on WhatsApp it is a request for the inbox to take.
 */
async function receiveMessage(
  deps: WhatsAppWebhookDeps,
  options: { message: MessageItem; to: string; workspaceId: string; log: FastifyBaseLogger },
): Promise<void> {
  const { message, workspaceId } = options;
  const from = `+${message.from.replace(/^\+/, '')}`;
  const text = textOf(message);
  const keyword = optOutKeywordOf(text);
  const { customerId, repeated } = await deps.inbound.receive({
    workspaceId,
    provider: 'whatsapp',
    eventName: 'WhatsApp Received',
    from,
    to: options.to,
    text,
    providerMessageId: message.id,
    at: secondsToMs(message.timestamp) ?? deps.clock.now(),
    properties: { message_type: message.type, keyword: keyword?.type ?? 'none' },
  });
  const consent = await applyKeywordConsent(deps, {
    workspaceId,
    customerId,
    channel: 'whatsapp',
    keyword,
    text,
    from,
  });
  // A webhook delivered again was answered the first time.
  if (!consent || !keyword || repeated || !deps.replies) return;
  try {
    await deps.replies.sendText({ to: from, text: keywordReply(keyword, 'whatsapp'), replyTo: message.id });
  } catch (error) {
    // The consent change stands; failing the webhook would only make WhatsApp deliver it again.
    options.log.warn({ err: error, customerId }, 'could not confirm a WhatsApp keyword to the customer');
  }
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

function notification(raw: Buffer): { entry?: { changes?: { field?: string; value?: ChangeValue }[] }[] } {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GodwitError('invalid_input', 'a WhatsApp notification is a JSON body');
  }
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
