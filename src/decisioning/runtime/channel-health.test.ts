import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { goLive, messagesByNode } from '../../journeys/runtime/test-runtime.ts';
import { callApi, sendBatch } from '../../journeys/test-journey-api.ts';
import { ChannelHealthCache } from './channel-health-cache.ts';

/** A channel whose provider is failing (as the delivery workers recorded it) in the runtime's decisions. */
describe('channel health in decisions', () => {
  let t: TestGodwit;
  const call = (path: string) => callApi(t, 'GET', path);
  before(async () => {
    t = await startTestGodwit();
  });
  after(() => t.close());

  it('a best send goes another way while email is failing; a fixed one stays on email for the retries', async () => {
    const failing = { provider: 'smtp', reason: 'connect ECONNREFUSED', updatedAt: Date.now() };
    await t.godwit.store.delivery.setChannelHealth([
      { ...failing, channel: 'email', unhealthyUntil: Date.now() + 600_000 },
    ]);
    await goLive(t, {
      id: 'welcome',
      category: 'transactional',
      trigger: { event: 'Signed Up' },
      start: 'fixed',
      nodes: {
        fixed: { type: 'send', template: 'welcome', channel: 'email', next: 'best' },
        best: { type: 'send', template: 'welcome', channel: 'best', next: 'done' },
        done: { type: 'exit' },
      },
    });
    await sendBatch(t, [
      { type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', phone: '+442079460958' } },
      { type: 'track', userId: 'ada', event: 'Signed Up' },
    ]);
    const byNode = await messagesByNode(t, 'welcome', 2);
    assert.deepEqual([byNode.best?.status, byNode.best?.channel], ['pending', 'sms']);
    const best = (await call(`/v1/messages/${encodeURIComponent(byNode.best?.key ?? '')}`)).body.message;
    assert.match(JSON.stringify(best), /email: provider unhealthy/);
    assert.deepEqual([byNode.fixed?.status, byNode.fixed?.channel], ['pending', 'email']);
    const fixed = (await call(`/v1/messages/${encodeURIComponent(byNode.fixed?.key ?? '')}`)).body.message;
    assert.match(JSON.stringify(fixed), /the email provider is failing; no other channel can go/);
  });

  it('reads the store at most every ttl, and drops a mark once its time is past', async () => {
    const store = t.godwit.store.delivery;
    const cache = new ChannelHealthCache(store, 5_000);
    const at = 1_000_000;
    const row = { provider: 'twilio', reason: '503', updatedAt: at };
    await store.setChannelHealth([
      { ...row, channel: 'email', provider: 'smtp', unhealthyUntil: 0 },
      { ...row, channel: 'sms', unhealthyUntil: at + 3_000 },
    ]);
    assert.deepEqual([...(await cache.unhealthy(at))], ['sms']);
    await store.setChannelHealth([{ ...row, channel: 'push', unhealthyUntil: at + 60_000 }]);
    assert.deepEqual([...(await cache.unhealthy(at + 1_000))], ['sms'], 'within the ttl: as read');
    assert.deepEqual([...(await cache.unhealthy(at + 3_000))], [], 'past its time, though still within the ttl');
    assert.deepEqual([...(await cache.unhealthy(at + 5_000))], ['push'], 'read again');
  });
});
