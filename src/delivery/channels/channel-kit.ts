import type { FastifyInstance } from 'fastify';
import type { IngestionService } from '../../ingestion/ingestion-service.ts';
import type { CustomerService } from '../../profiles/customer-service.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Config } from '../../shared/config.ts';
import type { Store } from '../../storage/store.ts';
import type { WorkspaceService } from '../../workspaces/workspace-service.ts';
import { loadMasterKey } from '../credentials/master-key.ts';
import { SecretBox } from '../credentials/secret-box.ts';
import { WorkspaceSecrets } from '../credentials/workspace-secrets.ts';
import { DeliveryEvents } from '../delivery-events.ts';
import { ReplyAddresses } from '../inbound-email/reply-address.ts';
import type { ChannelProvider } from '../provider.ts';
import { InAppHub } from '../providers/in-app/in-app-hub.ts';
import { inAppPayload } from '../providers/in-app/in-app-payload.ts';
import { createInAppProvider } from '../providers/in-app/in-app-provider.ts';
import { registerInAppRoutes } from '../providers/in-app/in-app-routes.ts';
import { createWebhookProvider } from '../providers/webhook/webhook-provider.ts';
import { createWebPushProvider } from '../providers/webpush/webpush-provider.ts';
import { registerWebPushRoutes, vapidKeysOf } from '../providers/webpush/webpush-routes.ts';
import { type DeliveryEventRecorder, feedbackEvent } from '../tracking/delivery-feedback.ts';
import { addEmailTracking, type TrackedMessage } from '../tracking/email-tracking.ts';
import { LinkSigner } from '../tracking/link-token.ts';
import { registerTrackingRoutes } from '../tracking/tracking-routes.ts';
import { unsubscribeHeaders } from '../tracking/unsubscribe-links.ts';
import { registerSecretRoutes } from './secret-routes.ts';

export interface ChannelKitOptions {
  config: Pick<Config, 'GODWIT_DATA_DIR' | 'GODWIT_MASTER_KEY' | 'GODWIT_PUBLIC_URL' | 'GODWIT_INBOUND_DOMAIN'>;
  store: Store;
  customers: CustomerService;
  workspaces: WorkspaceService;
  ingestion: IngestionService;
  clock: Clock;
  /** Called after a timeline event was appended (the profile processor's notify). */
  onAppended?: () => void;
  /** The delivery core's sink for opens, clicks and in-app deliveries. */
  deliveryEvents?: DeliveryEventRecorder;
}

/**
 * Godwit's own channels and their HTTP edge, built once in the composition root: providers for
 * webhooks (and in-app and web push), signed tracking and unsubscribe links, and workspace secrets.
 */
export class ChannelKit {
  readonly secrets: WorkspaceSecrets;
  readonly signer: LinkSigner;
  /** Where opens, clicks and in-app deliveries are recorded: the delivery core's DeliveryEvents. */
  readonly events: DeliveryEventRecorder;
  readonly webhookProvider: ChannelProvider;
  readonly webPushProvider: ChannelProvider;
  /** Open in-app streams; the in-app provider stores and pushes through it. */
  readonly inAppHub: InAppHub;
  readonly inAppProvider: ChannelProvider;
  /** Signed reply addresses, when GODWIT_INBOUND_DOMAIN is set. */
  readonly replyAddresses?: ReplyAddresses;
  private listeningUrl = 'http://localhost:8080';

  constructor(private readonly options: ChannelKitOptions) {
    const masterKey = loadMasterKey({
      fromEnv: options.config.GODWIT_MASTER_KEY,
      dataDir: options.config.GODWIT_DATA_DIR,
    });
    const now = () => options.clock.now();
    this.secrets = new WorkspaceSecrets(options.store.channels, new SecretBox(masterKey), now);
    this.signer = new LinkSigner(masterKey);
    const inboundDomain = options.config.GODWIT_INBOUND_DOMAIN;
    if (inboundDomain) this.replyAddresses = new ReplyAddresses(masterKey, inboundDomain);
    this.events =
      options.deliveryEvents ?? new DeliveryEvents({ store: options.store, onTimeline: options.onAppended });
    this.webhookProvider = createWebhookProvider({ secretFor: (id) => this.secrets.webhookSecret(id), now });
    this.webPushProvider = createWebPushProvider({
      vapidFor: (id) => vapidKeysOf(this.secrets, id),
      subject: pushSubject(options.config.GODWIT_PUBLIC_URL),
    });
    this.inAppHub = new InAppHub({
      store: options.store.channels,
      now,
      present: (record) => inAppPayload(record, { signer: this.signer, baseUrl: this.baseUrl }),
      onDelivered: async (records) => {
        for (const r of records) {
          const event = { workspaceId: r.workspaceId, customerId: r.customerId, idempotencyKey: r.id, at: now() };
          await this.events.record(feedbackEvent({ ...event, channel: 'in_app', kind: 'delivered' }));
        }
      },
    });
    this.inAppProvider = createInAppProvider(this.inAppHub);
  }

  /** Every provider this kit offers, for the delivery core's registry. */
  get providers(): ChannelProvider[] {
    return [this.webhookProvider, this.webPushProvider, this.inAppProvider];
  }

  /** Where links in messages point: GODWIT_PUBLIC_URL, else the address the server listens on. */
  get baseUrl(): string {
    return this.options.config.GODWIT_PUBLIC_URL ?? this.listeningUrl;
  }

  listeningAt(url: string): void {
    this.listeningUrl = url;
  }

  /** The template renderer's hook: signed click links and an open pixel in a rendered email. */
  trackEmail(html: string, message: TrackedMessage): string {
    return addEmailTracking(html, { message, signer: this.signer, baseUrl: this.baseUrl });
  }

  /** The template renderer's hook: `reply+<token>@<inbound domain>`, or undefined without an inbound domain. */
  replyAddress(message: { workspaceId: string; idempotencyKey: string }): string | undefined {
    return this.replyAddresses?.addressFor(message);
  }

  /** RFC 8058 List-Unsubscribe headers for EmailContent.headers. */
  unsubscribeHeaders(message: { workspaceId: string; customerId: string; channel?: string; topic: string }) {
    return unsubscribeHeaders({ channel: 'email', ...message, signer: this.signer, baseUrl: this.baseUrl });
  }

  registerRoutes(app: FastifyInstance): void {
    const { store, customers, workspaces, ingestion, clock } = this.options;
    registerTrackingRoutes(app, {
      store,
      customers,
      signer: this.signer,
      events: this.events,
      now: () => clock.now(),
    });
    registerSecretRoutes(app, { workspaces, secrets: this.secrets });
    registerWebPushRoutes(app, { workspaces, ingestion, secrets: this.secrets });
    registerInAppRoutes(app, { hub: this.inAppHub, workspaces, customers });
  }
}

/** Push services want a contact: the public https URL, else a mailto: that names no real host. */
function pushSubject(publicUrl: string | undefined): string {
  return publicUrl?.startsWith('https://') ? publicUrl : 'mailto:webpush@godwit.invalid';
}
