import cors from '@fastify/cors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerConsoleRoutes } from '../console/console-routes.ts';
import { registerOverviewRoutes } from '../console/overview-routes.ts';
import { registerPolicyRoutes } from '../decisioning/runtime/policy-routes.ts';
import type { ChannelKit } from '../delivery/channels/channel-kit.ts';
import { registerMessageRoutes } from '../delivery/message-routes.ts';
import type { MessageService } from '../delivery/message-service.ts';
import {
  type ProviderWebhookDeps,
  registerProviderWebhookRoutes,
} from '../delivery/providers/webhooks/provider-webhook-routes.ts';
import { registerSubscriptionGroupRoutes } from '../delivery/subscriptions/subscription-group-routes.ts';
import type { SubscriptionGroupService } from '../delivery/subscriptions/subscription-group-service.ts';
import { registerSuppressionRoutes } from '../delivery/suppression/suppression-routes.ts';
import type { SuppressionService } from '../delivery/suppression/suppression-service.ts';
import { registerAnalyticsJsRoutes } from '../ingestion/analytics-js-routes.ts';
import { registerIngestionRoutes } from '../ingestion/ingestion-routes.ts';
import type { IngestionService } from '../ingestion/ingestion-service.ts';
import { registerJourneyManagementRoutes } from '../journeys/journey-management-routes.ts';
import { registerJourneyRoutes } from '../journeys/journey-routes.ts';
import type { JourneyService } from '../journeys/journey-service.ts';
import type { JourneyRuntime } from '../journeys/runtime/journey-runtime.ts';
import { registerRunRoutes } from '../journeys/runtime/run-routes.ts';
import { registerCustomerRoutes } from '../profiles/customer-routes.ts';
import type { CustomerService } from '../profiles/customer-service.ts';
import { registerSegmentRoutes } from '../segments/segment-routes.ts';
import type { SegmentService } from '../segments/segment-service.ts';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../storage/store.ts';
import { registerTemplateRoutes } from '../templates/template-routes.ts';
import type { TemplateService } from '../templates/template-service.ts';
import { registerSessionRoutes } from '../workspaces/session-routes.ts';
import { registerWorkspaceRoutes } from '../workspaces/workspace-routes.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import { registerErrorHandler } from './error-handler.ts';
import { type Metrics, registerMetricsRoutes } from './metrics.ts';

export interface HttpDeps {
  store: Store;
  workspaces: WorkspaceService;
  ingestion: IngestionService;
  customers: CustomerService;
  journeys: JourneyService;
  runtime: JourneyRuntime;
  segments: SegmentService;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** Status and inbound webhooks of the configured channel providers. */
  providerWebhooks?: ProviderWebhookDeps;
  /** The outbox: messages, dead letters, retry. */
  messages?: MessageService;
  /** The suppression list. */
  suppressions?: SuppressionService;
  /** Named consent topics (newsletter, product updates). */
  subscriptionGroups?: SubscriptionGroupService;
  /** Tracking, unsubscribe, in-app, web push and secret routes. */
  channels?: ChannelKit;
  /** Message templates and their preview. */
  templates?: TemplateService;
}

/** The HTTP surface: each domain registers its own routes; this file only assembles them. */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  // Per-request info lines would cost more than the requests at ingestion rates; warnings and errors still log.
  const requestLogger = deps.logger.child({}, { level: deps.logger.levelVal > 40 ? deps.logger.level : 'warn' });
  const app = Fastify({ loggerInstance: requestLogger as FastifyBaseLogger, bodyLimit: 1024 * 1024 });
  // Browsers post events from any site (analytics.js). Admin calls carry a bearer key or the console's
  // SameSite cookie, which CORS without credentials never sends cross-site.
  await app.register(cors, { origin: true, methods: ['GET', 'POST', 'PUT', 'DELETE'], maxAge: 86400 });
  registerErrorHandler(app);
  registerMetricsRoutes(app, deps.metrics);
  registerIngestionRoutes(app, deps);
  registerAnalyticsJsRoutes(app, deps);
  registerCustomerRoutes(app, deps);
  registerWorkspaceRoutes(app, deps);
  registerSessionRoutes(app, deps);
  registerOverviewRoutes(app, deps);
  registerJourneyRoutes(app, deps);
  registerJourneyManagementRoutes(app, deps);
  registerRunRoutes(app, deps);
  registerSegmentRoutes(app, deps);
  registerPolicyRoutes(app, deps);
  if (deps.templates) registerTemplateRoutes(app, { ...deps, templates: deps.templates });
  if (deps.messages) registerMessageRoutes(app, { ...deps, messages: deps.messages });
  if (deps.suppressions) registerSuppressionRoutes(app, { ...deps, suppressions: deps.suppressions });
  if (deps.subscriptionGroups) {
    registerSubscriptionGroupRoutes(app, { ...deps, subscriptionGroups: deps.subscriptionGroups });
  }
  if (deps.providerWebhooks) await registerProviderWebhookRoutes(app, deps.providerWebhooks);
  deps.channels?.registerRoutes(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  registerConsoleRoutes(app);
  return app;
}
