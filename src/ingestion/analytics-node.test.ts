import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Analytics } from '@segment/analytics-node';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';

/** The unmodified Segment Node SDK, pointed at a real Godwit: what it sends must land on the profile. */

interface TimelineEvent {
  type: string;
  event?: string;
  name?: string;
  userId?: string;
  properties?: Record<string, unknown>;
}
interface CustomerResponse {
  profile: { id: string; traits: Record<string, unknown> };
  identities: { kind: string; value: string }[];
  timeline: { events: TimelineEvent[]; next: string | null };
}

async function getJson<T>(godwit: TestGodwit, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${godwit.url}${path}`, { headers: { authorization: `Bearer ${godwit.secretKey}` } });
  return { status: response.status, body: (await response.json()) as T };
}

/** A client that sends as soon as asked and gives up quickly, so a test never waits on its timers. */
function analyticsFor(godwit: TestGodwit, writeKey = godwit.writeKey): Analytics {
  return new Analytics({ writeKey, host: godwit.url, flushAt: 1, flushInterval: 50, maxRetries: 1 });
}

describe('@segment/analytics-node against Godwit', () => {
  let godwit: TestGodwit;
  before(async () => {
    godwit = await startTestGodwit();
  });
  after(() => godwit.close());

  it('delivers identify, track and page calls into one profile and its timeline', async () => {
    const analytics = analyticsFor(godwit);
    const errors: unknown[] = [];
    analytics.on('error', (error) => errors.push(error));
    const userId = 'node-user-1';
    analytics.identify({ userId, traits: { email: 'Ada@Example.com', name: 'Ada Lovelace', plan: 'pro' } });
    analytics.track({ userId, event: 'Order Completed', properties: { total: 42, currency: 'EUR' } });
    analytics.page({ userId, category: 'Docs', name: 'Pricing', properties: { path: '/pricing' } });
    await analytics.closeAndFlush({ timeout: 10_000 });
    await godwit.settle();

    assert.deepEqual(errors, []);
    const { status, body } = await getJson<CustomerResponse>(godwit, `/v1/customers/${userId}`);
    assert.equal(status, 200);
    assert.deepEqual(
      { email: body.profile.traits.email, name: body.profile.traits.name, plan: body.profile.traits.plan },
      { email: 'Ada@Example.com', name: 'Ada Lovelace', plan: 'pro' },
    );
    const identities = body.identities.map((i) => `${i.kind}:${i.value}`).sort();
    assert.deepEqual(identities, ['email:ada@example.com', `user_id:${userId}`]);

    const byType = (type: string) => body.timeline.events.filter((e) => e.type === type);
    assert.equal(body.timeline.events.length, 3);
    assert.equal(byType('identify').length, 1);
    const [track] = byType('track');
    assert.equal(track?.event, 'Order Completed');
    assert.deepEqual(track?.properties, { total: 42, currency: 'EUR' });
    const [page] = byType('page');
    assert.equal(page?.name, 'Pricing');
    assert.equal(page?.properties?.path, '/pricing');
    assert.ok(body.timeline.events.every((e) => e.userId === userId));

    const byEmail = await getJson<CustomerResponse>(godwit, '/v1/customers/ada@example.com');
    assert.equal(byEmail.body.profile.id, body.profile.id);
  });

  it('reports a delivery failure for a wrong write key and stores nothing', async () => {
    const eventsBefore = await godwit.godwit.store.countEvents(godwit.workspaceId);
    const analytics = analyticsFor(godwit, 'gw_write_not-a-real-key');
    const errors: { code: string; reason?: unknown }[] = [];
    const statuses: number[] = [];
    analytics.on('error', (error) => errors.push(error));
    analytics.on('http_response', (response) => statuses.push(response.status));
    const callbackError = new Promise<unknown>((resolve) =>
      analytics.track({ userId: 'intruder', event: 'Should Not Land' }, (error) => resolve(error)),
    );
    await analytics.closeAndFlush({ timeout: 10_000 });
    await godwit.settle();

    assert.deepEqual(statuses, [401]);
    assert.match(String(await callbackError), /401/);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, 'delivery_failure');
    assert.match(String(errors[0]?.reason), /401/);
    const lookup = await getJson<{ error?: unknown }>(godwit, '/v1/customers/intruder');
    assert.equal(lookup.status, 404);
    assert.equal(await godwit.godwit.store.countEvents(godwit.workspaceId), eventsBefore);
  });
});
