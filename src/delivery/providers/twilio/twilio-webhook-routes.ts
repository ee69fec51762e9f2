import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CustomerService } from '../../../profiles/customer-service.ts';
import type { Clock } from '../../../shared/clock.ts';
import { GodwitError } from '../../../shared/errors.ts';
import type { Store } from '../../../storage/store.ts';
import type { DeliveryEvent, StatusEventSink } from '../webhooks/delivery-events.ts';
import type { InboundMessages } from '../webhooks/inbound-messages.ts';
import { applyKeywordConsent } from '../webhooks/keyword-consent.ts';
import { keywordReply, optOutKeywordOf } from '../webhooks/opt-out-keywords.ts';
import { calledUrl, webhookWorkspace } from '../webhooks/webhook-workspace.ts';
import { escapeXml } from './twilio-provider.ts';
import { isValidTwilioSignature } from './twilio-signature.ts';

export interface TwilioWebhookDeps {
  readonly authToken: string;
  readonly publicUrl?: string;
  readonly store: Store;
  readonly customers: CustomerService;
  readonly clock: Clock;
  readonly deliveryEvents: StatusEventSink;
  readonly inbound: InboundMessages;
}

type FormParams = Record<string, string | string[]>;

/** Message and call statuses → delivery events; in-progress states that say nothing new are left out. */
const STATUSES: Record<string, DeliveryEvent['status']> = {
  accepted: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
  completed: 'delivered',
  busy: 'failed',
  'no-answer': 'failed',
  canceled: 'failed',
};

/** Status callbacks and inbound SMS. Both answer 403 unless X-Twilio-Signature is right for the URL and form. */
export function registerTwilioWebhookRoutes(scope: FastifyInstance, deps: TwilioWebhookDeps): void {
  scope.post('/v1/webhooks/twilio/status', async (request, reply) => {
    const params = verifiedForm(request, deps);
    const workspaceId = await webhookWorkspace(deps.store, request.query);
    const providerStatus = one(params.MessageStatus) ?? one(params.CallStatus) ?? '';
    const status = STATUSES[providerStatus];
    const providerMessageId = one(params.MessageSid) ?? one(params.CallSid);
    if (status && providerMessageId) {
      const query = request.query as { customer?: string; key?: string };
      const errorCode = one(params.ErrorCode);
      await deps.deliveryEvents.record({
        workspaceId,
        provider: 'twilio',
        channel: params.CallSid && !params.MessageSid ? 'voice' : 'sms',
        providerMessageId,
        ...(query.key ? { idempotencyKey: query.key } : {}),
        ...(query.customer ? { customerId: query.customer } : {}),
        status,
        providerStatus,
        at: deps.clock.now(),
        ...(errorCode
          ? { error: { code: `twilio_${errorCode}`, message: one(params.ErrorMessage) ?? providerStatus } }
          : {}),
      });
    }
    return reply.code(204).send();
  });

  scope.post('/v1/webhooks/twilio/inbound', async (request, reply) => {
    const params = verifiedForm(request, deps);
    const workspaceId = await webhookWorkspace(deps.store, request.query);
    const text = one(params.Body) ?? '';
    const keyword = optOutKeywordOf(text);
    const from = one(params.From) ?? '';
    const { customerId } = await deps.inbound.receive({
      workspaceId,
      provider: 'twilio',
      eventName: 'SMS Received',
      from,
      to: one(params.To) ?? '',
      text,
      providerMessageId: one(params.MessageSid) ?? one(params.SmsSid) ?? '',
      at: deps.clock.now(),
      properties: { keyword: keyword?.type ?? 'none', num_media: Number(one(params.NumMedia) ?? 0) },
    });
    await applyKeywordConsent(deps, { workspaceId, customerId, channel: 'sms', keyword, text, from });
    // Twilio's own opt-out handling answers the English keywords (carriers require it); Godwit answers the Chinese.
    return twiml(reply, keyword?.language === 'zh' ? keywordReply(keyword, 'sms') : undefined);
  });
}

function verifiedForm(request: FastifyRequest, deps: TwilioWebhookDeps): FormParams {
  // Twilio signs form fields; any other body (JSON parses to non-string values) cannot be Twilio's.
  if (!/^application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')) {
    throw new GodwitError('unsupported_media_type', 'Twilio webhooks are application/x-www-form-urlencoded');
  }
  const params = (request.body ?? {}) as FormParams;
  const valid = isValidTwilioSignature({
    authToken: deps.authToken,
    signature: request.headers['x-twilio-signature'] as string | undefined,
    url: calledUrl(request, deps.publicUrl),
    params,
  });
  if (!valid) throw new GodwitError('forbidden', 'X-Twilio-Signature does not match this request');
  return params;
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function twiml(reply: FastifyReply, message: string | undefined): FastifyReply {
  const body = message ? `<Message>${escapeXml(message)}</Message>` : '';
  return reply
    .type('text/xml; charset=utf-8')
    .send(`<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`);
}
