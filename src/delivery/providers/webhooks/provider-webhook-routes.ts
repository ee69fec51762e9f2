import type { FastifyInstance } from 'fastify';
import type { CustomerService } from '../../../profiles/customer-service.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { Config } from '../../../shared/config.ts';
import type { Store } from '../../../storage/store.ts';
import { DeliveryEvents } from '../../delivery-events.ts';
import { OutboxStatusEvents } from '../../provider-status-events.ts';
import { createWhatsAppProvider } from '../create-providers.ts';
import { registerTwilioWebhookRoutes } from '../twilio/twilio-webhook-routes.ts';
import { registerWhatsAppWebhookRoutes } from '../whatsapp/whatsapp-webhook-routes.ts';
import type { StatusEventSink } from './delivery-events.ts';
import { InboundMessages } from './inbound-messages.ts';

export interface ProviderWebhookDeps {
  readonly config: Config;
  readonly store: Store;
  readonly customers: CustomerService;
  readonly clock: Clock;
  /** Where statuses go; by default recorded against their outbox row (and timeline) by a DeliveryEvents of its own. */
  readonly deliveryEvents?: StatusEventSink;
  /** Called after events were appended to the log, so the profile processor picks them up at once. */
  readonly onAppended?: () => void;
}

/**
 * The webhooks of each configured provider, in one scope whose body parsers keep what the
 * signatures need: Twilio's form fields, and WhatsApp's raw JSON bytes.
 */
export async function registerProviderWebhookRoutes(app: FastifyInstance, deps: ProviderWebhookDeps): Promise<void> {
  const { config } = deps;
  const deliveryEvents =
    deps.deliveryEvents ??
    new OutboxStatusEvents(new DeliveryEvents({ store: deps.store, onTimeline: deps.onAppended }));
  const inbound = new InboundMessages({ ...deps, defaultCountry: config.GODWIT_DEFAULT_COUNTRY });
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      const params: Record<string, string | string[]> = {};
      for (const [name, value] of new URLSearchParams(body as string)) {
        const seen = params[name];
        params[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
      }
      done(null, params);
    });
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    if (config.GODWIT_TWILIO_AUTH_TOKEN) {
      registerTwilioWebhookRoutes(scope, {
        ...deps,
        authToken: config.GODWIT_TWILIO_AUTH_TOKEN,
        publicUrl: config.GODWIT_PUBLIC_URL,
        deliveryEvents,
        inbound,
      });
    }
    if (config.GODWIT_WHATSAPP_APP_SECRET && config.GODWIT_WHATSAPP_VERIFY_TOKEN) {
      registerWhatsAppWebhookRoutes(scope, {
        ...deps,
        appSecret: config.GODWIT_WHATSAPP_APP_SECRET,
        verifyToken: config.GODWIT_WHATSAPP_VERIFY_TOKEN,
        deliveryEvents,
        inbound,
        replies: createWhatsAppProvider(config),
      });
    }
  });
}
