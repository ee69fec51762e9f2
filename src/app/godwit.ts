import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { parseRoles, type Role } from '../cluster/cluster-config.ts';
import { ClusterRuntime } from '../cluster/cluster-runtime.ts';
import { registerTimerLag, startRoles } from '../cluster/process-roles.ts';
import { buildOpsApp, type ReadinessCheck, registerReadyRoute } from '../cluster/readiness.ts';
import { ChannelKit } from '../delivery/channels/channel-kit.ts';
import { createDelivery, type Delivery } from '../delivery/create-delivery.ts';
import { createInboundEmail } from '../delivery/inbound-email/create-inbound-email.ts';
import type { InboundEmailServer } from '../delivery/inbound-email/inbound-email-server.ts';
import { OutboxStatusEvents } from '../delivery/provider-status-events.ts';
import { createProviders } from '../delivery/providers/create-providers.ts';
import { SubscriptionGroupService } from '../delivery/subscriptions/subscription-group-service.ts';
import { SuppressionService } from '../delivery/suppression/suppression-service.ts';
import { WorkerBatchPreparer } from '../ingestion/batch-preparer.ts';
import { IngestionService } from '../ingestion/ingestion-service.ts';
import { JourneyService } from '../journeys/journey-service.ts';
import { JourneyRuntime } from '../journeys/runtime/journey-runtime.ts';
import { JourneyThread } from '../journeys/runtime/journey-thread.ts';
import { CustomerService } from '../profiles/customer-service.ts';
import { PROFILE_CURSOR, ProfileProcessor } from '../profiles/profile-processor.ts';
import { SegmentRuntime } from '../segments/runtime/segment-runtime.ts';
import { SegmentService } from '../segments/segment-service.ts';
import { buildHttpApp } from '../server/http-app.ts';
import { createMetrics } from '../server/metrics.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import type { Config } from '../shared/config.ts';
import { newId } from '../shared/ids.ts';
import { openStore, sqliteFile } from '../storage/open-store.ts';
import { SqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { deliveryHooks } from '../templates/delivery-hooks.ts';
import { channelsWithContent, renderedTemplate } from '../templates/template-catalog.ts';
import { TemplateRenderer } from '../templates/template-renderer.ts';
import { TemplateService } from '../templates/template-service.ts';
import { WorkspaceService } from '../workspaces/workspace-service.ts';

export interface Godwit {
  config: Config;
  store: Store;
  workspaces: WorkspaceService;
  ingestion: IngestionService;
  customers: CustomerService;
  /** Every change to journeys goes through here. */
  journeys: JourneyService;
  processor: ProfileProcessor;
  runtime: JourneyRuntime;
  segments: SegmentService;
  segmentRuntime: SegmentRuntime;
  /** Webhook, in-app and web push providers, tracking and unsubscribe links, workspace secrets. */
  channels: ChannelKit;
  /** Message templates: definitions, versions, preview. */
  templates: TemplateService;
  /** The delivery worker's MessageRenderer: Liquid templates with tracking and unsubscribe links. */
  renderer: TemplateRenderer;
  /** The outbox worker, its providers, the messages API's service and the delivery-event recorder. */
  delivery: Delivery;
  /** The suppression list: addresses never sent to again. */
  suppressions: SuppressionService;
  /** The inbound SMTP listener for replies, bounces and complaints (GODWIT_INBOUND_SMTP_PORT). */
  inboundEmail?: InboundEmailServer;
  http: FastifyInstance;
  logger: Logger;
  /** Present when NATS is configured: the relay to the bus and the partitioned journey stage. */
  cluster?: ClusterRuntime;
  /**
   * Starts the background work of `roles` (default GODWIT_ROLES, all) and listens: the whole API,
   * or with `ops` only /healthz, /readyz and /metrics (a worker). Returns the base URL.
   */
  listen(options?: { roles?: readonly Role[]; ops?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** The composition root: the one place where adapters are chosen and wired into services. */
export async function createGodwit(config: Config, options: { clock?: Clock; logger?: Logger } = {}): Promise<Godwit> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? pino({ level: config.LOG_LEVEL });
  // Event appends on their own thread, so a commit's inserts and fsync do not stall requests (SqliteAppendWorker).
  const store = await openStore(config, { appendWorker: true });
  const workspaces = new WorkspaceService(store, clock);
  const owner = `${hostname()}:${process.pid}:${newId()}`;
  // Embedded, journeys follow the log and fire timers on a thread of their own (a second core).
  const journeyThread =
    store instanceof SqliteStore && !config.NATS_URL && config.GODWIT_JOURNEY_THREAD === 'on' && !options.clock
      ? new JourneyThread({
          file: sqliteFile(config.GODWIT_DATA_DIR),
          writeLock: store.writeLock,
          owner: `${owner}:journeys`,
          logLevel: config.LOG_LEVEL,
          logger,
          onCommitted: () => delivery.worker.notify(),
        })
      : undefined;
  const runtime = new JourneyRuntime({
    store,
    clock,
    logger,
    owner,
    profiledUpTo: () => store.readCursor(PROFILE_CURSOR),
    writeSaturation: () => ingestion.writeSaturation,
    onCommitted: () => delivery.worker.notify(),
    partitioned: Boolean(config.NATS_URL),
  });
  // Entries and exits go to the event log; profiling them at once is what brings them to journeys within a second.
  const segmentRuntime = new SegmentRuntime({
    store,
    clock,
    logger,
    owner,
    profiledUpTo: () => store.readCursor(PROFILE_CURSOR),
    onEmitted: () => processor.notify(),
    writeSaturation: () => ingestion.writeSaturation,
  });
  const processor = new ProfileProcessor({
    store,
    clock,
    logger,
    owner,
    onBatch: () => {
      segmentRuntime.notify();
      (journeyThread ?? runtime).notify();
      cluster?.notify();
    },
    defaultCountry: config.GODWIT_DEFAULT_COUNTRY,
    writeSaturation: () => ingestion.writeSaturation,
  });
  const metrics = createMetrics({
    // From the store's cursor, not this process's position: an API process or another worker may hold the lease.
    profileLag: async () => (await store.lastEventSeq()) - (await store.readCursor(PROFILE_CURSOR)),
    ingestQueue: () => ingestion.queued,
  });
  registerTimerLag(metrics.registry, store, clock);
  const cluster = config.NATS_URL
    ? new ClusterRuntime({
        config,
        store,
        clock,
        logger,
        owner,
        definitions: runtime.definitions,
        registry: metrics.registry,
        onCommitted: () => delivery.worker.notify(),
      })
    : undefined;
  // Batch bodies are parsed and validated on a worker thread; started now so the first request does not wait.
  const preparer = new WorkerBatchPreparer();
  await preparer.ready();
  const ingestion = new IngestionService({
    store,
    clock,
    preparer,
    onCommitted: (count) => {
      metrics.eventsIngested.inc(count);
      processor.notify();
    },
  });
  const customers = new CustomerService(store, clock, config.GODWIT_DEFAULT_COUNTRY);
  customers.onConsentChanged((change) => segmentRuntime.consentChanged(change));
  const segments = new SegmentService({
    segments: store.segments,
    clock,
    onChange: () => segmentRuntime.segmentsChanged(),
    deleteUnlessUsed: (workspaceId, segmentId, remove) =>
      journeys.deleteUnlessUsed(workspaceId, 'segment', segmentId, remove),
  });
  const journeys = new JourneyService({
    journeys: store.journeys,
    clock,
    // Held across processes: another API process must not delete a template while this one makes a journey live on it.
    locks: store.locks,
    onChange: () => {
      runtime.journeysChanged();
      journeyThread?.journeysChanged();
    },
    references: {
      // What a send renders: the workspace's template, else the built-in one. Read from the store, not
      // through the renderer's reuse of a recent read: another process may have deleted it since.
      hasTemplate: async (workspaceId, id, channel): Promise<boolean> => {
        const definition = await renderedTemplate(store.templates, workspaceId, id);
        return definition !== undefined && (!channel || channelsWithContent(definition).includes(channel));
      },
      hasSegment: async (workspaceId, id) => (await store.segments.getSegment(workspaceId, id)) !== undefined,
    },
    // A catalog install adds the segments its journey ships, never replacing the workspace's own.
    addSegment: async (workspaceId, segment) => {
      if (await store.segments.getSegment(workspaceId, segment.id)) return false;
      await segments.create(workspaceId, segment);
      return true;
    },
  });
  const channels = new ChannelKit({
    config,
    store,
    customers,
    workspaces,
    ingestion,
    clock,
    onAppended: () => processor.notify(),
    // The delivery core's recorder (created below, once the renderer exists).
    deliveryEvents: { record: (input) => delivery.events.record(input) },
  });
  const templates = new TemplateService({
    templates: store.templates,
    clock,
    deleteUnlessUsed: (workspaceId, templateId, remove) =>
      journeys.deleteUnlessUsed(workspaceId, 'template', templateId, remove),
    dropChannelsUnlessUsed: (workspaceId, templateId, dropped, save) =>
      journeys.dropChannelsUnlessUsed(workspaceId, templateId, dropped, save),
  });
  const renderer = new TemplateRenderer({ templates, ...deliveryHooks(channels) });
  const configured = createProviders(config);
  const delivery = createDelivery({
    config,
    store,
    clock,
    owner,
    renderer,
    providers: [...configured.providers, ...channels.providers],
    onTimeline: () => processor.notify(),
    writeSaturation: () => ingestion.writeSaturation,
    metrics: metrics.registry,
    logger,
  });
  const statusEvents = new OutboxStatusEvents(delivery.events);
  const suppressions = new SuppressionService({ store, clock, defaultCountry: config.GODWIT_DEFAULT_COUNTRY });
  const subscriptionGroups = new SubscriptionGroupService({ store, clock });
  const inboundEmail = await createInboundEmail({
    config,
    store,
    clock,
    events: delivery.events,
    addresses: channels.replyAddresses,
    onAppended: () => processor.notify(),
    logger,
  });
  const http = await buildHttpApp({
    store,
    workspaces,
    ingestion,
    customers,
    journeys,
    runtime,
    segments,
    metrics,
    logger,
    clock,
    providerWebhooks: {
      config,
      store,
      customers,
      clock,
      onAppended: () => processor.notify(),
      deliveryEvents: statusEvents,
    },
    messages: delivery.messages,
    suppressions,
    subscriptionGroups,
    templates,
    channels,
  });
  // Only what this process depends on: NATS only once a role that runs on it has started (an API
  // process, or a worker with only delivery, segments or timers, never talks to NATS).
  const readiness = (): Record<string, ReadinessCheck> => ({
    store: async () => void (await store.lastEventSeq()),
    // openStore applies pending migrations before the process listens: answering means they are done.
    migrations: async () => undefined,
    ...(cluster?.onBus ? { bus: () => cluster.notReady() } : {}),
  });
  registerReadyRoute(http, readiness);
  let server: FastifyInstance = http;

  return {
    config,
    store,
    workspaces,
    ingestion,
    customers,
    journeys,
    processor,
    runtime,
    segments,
    segmentRuntime,
    channels,
    templates,
    renderer,
    delivery,
    suppressions,
    inboundEmail,
    http,
    logger,
    cluster,
    async listen(options = {}) {
      const stages = {
        processor,
        segmentRuntime,
        runtime: journeyThread ?? runtime,
        deliveryWorker: delivery.worker,
        cluster,
      };
      startRoles(stages, options.roles ?? parseRoles(config.GODWIT_ROLES));
      if (options.ops) server = buildOpsApp({ registry: metrics.registry, checks: readiness });
      await server.listen({ port: config.PORT, host: config.HOST });
      if (!options.ops) await inboundEmail?.listen();
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
      channels.listeningAt(`http://${host}:${port}`);
      return `http://${host}:${port}`;
    },
    async close() {
      await server.close();
      await inboundEmail?.close();
      await cluster?.stop();
      await processor.stop();
      await runtime.stop();
      await journeyThread?.stop();
      await segmentRuntime.stop();
      await delivery.worker.stop();
      await configured.close();
      await ingestion.close();
      await store.close();
    },
  };
}
