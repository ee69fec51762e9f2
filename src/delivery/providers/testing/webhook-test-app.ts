import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { CustomerService } from '../../../profiles/customer-service.ts';
import { ProfileProcessor } from '../../../profiles/profile-processor.ts';
import { registerErrorHandler } from '../../../server/error-handler.ts';
import { systemClock } from '../../../shared/clock.ts';
import { type ConfigInput, parseConfig } from '../../../shared/config.ts';
import { SqliteStore } from '../../../storage/sqlite/sqlite-store.ts';
import { trackEvent } from '../webhooks/delivery-events.ts';
import { registerProviderWebhookRoutes } from '../webhooks/provider-webhook-routes.ts';

/**
 * The provider webhook routes on a real HTTP server over a fresh SQLite store, with the profile
 * processor run by hand: what a provider reaches, without the rest of the server.
 */
export async function startWebhookTestApp(config: ConfigInput) {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-webhooks-'));
  const store = await SqliteStore.open(join(dir, 'godwit.db'));
  const workspaceId = 'ws_test';
  await store.createWorkspace({ id: workspaceId, name: 'Test', createdAt: Date.now() });
  const customers = new CustomerService(store, systemClock);
  const processor = new ProfileProcessor({ store, clock: systemClock, owner: 'test' });
  const app = Fastify();
  registerErrorHandler(app);
  await registerProviderWebhookRoutes(app, { config: parseConfig(config), store, customers, clock: systemClock });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    store,
    customers,
    workspaceId,
    /** Folds every appended event into profiles. */
    settle: async () => {
      while ((await processor.processAvailable()) > 0) {}
    },
    /** A customer with a userId and a phone, as an identify call would make one. */
    async addCustomer(userId: string, phone: string): Promise<string> {
      const identity = { userId, anonymousId: null };
      await store.appendEvents([
        trackEvent({
          workspaceId,
          messageId: `id-${userId}`,
          name: 'identify',
          identity,
          properties: {},
          at: Date.now(),
          traits: { phone },
        }),
      ]);
      await this.settle();
      return customers.resolveId(workspaceId, phone);
    },
    async timeline(customerId: string) {
      await this.settle();
      const view = await customers.view(workspaceId, customerId, { limit: 100 });
      const events = view.timeline.entries.flatMap((entry) => (entry.source === 'event' ? [entry.event] : []));
      return { events, profile: view.profile };
    },
    async close() {
      await app.close();
      await processor.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
