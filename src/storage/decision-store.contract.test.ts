import assert from 'node:assert/strict';
import { it } from 'node:test';
import { momentsOf } from '../decisioning/beta-model.ts';
import type { JourneyChange, OutboxRecord } from './journey-store.ts';
import { describeEachStore } from './test-store-adapters.ts';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 2, 10, 12);

const message = (key: string, over: Partial<OutboxRecord> = {}): OutboxRecord => ({
  workspaceId: 'w1',
  idempotencyKey: key,
  customerId: 'c1',
  runId: 'r1',
  journeyId: 'j1',
  nodeId: 'n1',
  kind: 'message',
  channel: 'email',
  status: 'pending',
  messageClass: 'marketing',
  payload: { template: 't', requestedChannel: 'best', messageClass: 'marketing' },
  createdAt: now - HOUR,
  updatedAt: now - HOUR,
  ...over,
});

const change = (over: Partial<JourneyChange>): JourneyChange => ({
  runs: [],
  addTimers: [],
  deleteTimers: [],
  outbox: [],
  events: [],
  counts: [],
  ...over,
});

describeEachStore('decision store contract', (t) => {
  it('keeps one policy per workspace, replaced whole', async () => {
    assert.equal(await t.store.decisions.getPolicy('w1'), undefined);
    await t.store.decisions.putPolicy({ workspaceId: 'w1', policy: { caps: [] }, updatedAt: 1 });
    await t.store.decisions.putPolicy({ workspaceId: 'w1', policy: { reroute: false }, updatedAt: 2 });
    assert.deepEqual(await t.store.decisions.getPolicy('w1'), {
      workspaceId: 'w1',
      policy: { reroute: false },
      updatedAt: 2,
    });
    assert.equal(await t.store.decisions.getPolicy('w2'), undefined);
  });

  it('recent sends: queued, sent and scheduled ones with their time and class; not suppressed, old or others', async () => {
    await t.store.journeys.applyJourneyChange(
      change({
        outbox: [
          message('queued'),
          message('later', { status: 'scheduled', nextAttemptAt: now + 5 * HOUR, messageClass: 'service' }),
          message('dropped', { status: 'suppressed', channel: null }),
          message('blocked', { status: 'suppressed' }),
          message('old', { createdAt: now - 30 * 24 * HOUR }),
          message('went-long-ago', { createdAt: now - 9 * 24 * HOUR, nextAttemptAt: now - 8 * 24 * HOUR }),
          // Queued long ago, delayed, and sent an hour ago when decided again.
          message('delayed', { createdAt: now - 10 * 24 * HOUR, nextAttemptAt: now - HOUR }),
          message('other', { customerId: 'c2', channel: 'sms' }),
          message('hook', { kind: 'webhook', channel: 'webhook' }),
        ],
      }),
    );
    const since = now - 7 * 24 * HOUR;
    const sends = await t.store.decisions.recentSends({
      workspaceId: 'w1',
      customerIds: ['c1'],
      since,
      queuedSince: since - 3 * 24 * HOUR,
    });
    const byKey = Object.fromEntries(sends.map((s) => [s.idempotencyKey, s]));
    assert.deepEqual(Object.keys(byKey).sort(), ['delayed', 'later', 'queued']);
    assert.equal(byKey.delayed?.at, now - HOUR);
    assert.deepEqual(byKey.later, {
      customerId: 'c1',
      idempotencyKey: 'later',
      journeyId: 'j1',
      channel: 'email',
      messageClass: 'service',
      at: now + 5 * HOUR,
      scheduled: true,
    });
    assert.equal(byKey.queued?.at, now - HOUR);
    assert.deepEqual(
      (await t.store.decisions.scheduledMessages('w1', ['later', 'queued'])).map((m) => [
        m.idempotencyKey,
        m.messageClass,
      ]),
      [['later', 'service']],
    );
  });

  it('a redecided entry is replaced only while still scheduled', async () => {
    const later = message('later', {
      status: 'pending',
      channel: 'sms',
      payload: { decision: 'send now' },
      updatedAt: now,
    });
    const queued = message('queued', { status: 'suppressed', updatedAt: now });
    await t.store.journeys.applyJourneyChange(change({ outboxUpdates: [later, queued] }));
    const rows = await t.store.journeys.listOutbox({ workspaceId: 'w1', customerId: 'c1', limit: 50 });
    const byKey = Object.fromEntries(rows.map((r) => [r.idempotencyKey, r]));
    assert.deepEqual(
      [byKey.later?.status, byKey.later?.channel, byKey.later?.payload],
      ['pending', 'sms', { decision: 'send now' }],
    );
    assert.equal(byKey.queued?.status, 'pending', 'a pending entry is not rewritten');
  });

  it('engagement counters add up in journey changes; a response counts once per message', async () => {
    const send = (customerId: string, channel: string, hourOfWeek: number, sends = 1) => ({
      workspaceId: 'w1',
      customerId,
      channel,
      hourOfWeek,
      sends,
      responses: 0,
    });
    await t.store.journeys.applyJourneyChange(
      change({
        engagement: [
          send('c1', 'email', 10),
          send('c1', 'email', 10),
          send('c1', 'sms', 20),
          send('c2', 'email', 10, 3),
        ],
      }),
    );
    const response = {
      workspaceId: 'w1',
      idempotencyKey: 'k1',
      customerId: 'c1',
      channel: 'email',
      hourOfWeek: 10,
      at: now,
    };
    assert.equal(await t.store.decisions.countResponse(response), true);
    assert.equal(
      await t.store.decisions.countResponse({ ...response, at: now + 1 }),
      false,
      'the click after the open',
    );
    assert.equal(await t.store.decisions.countResponse({ ...response, idempotencyKey: 'k2', customerId: 'c2' }), true);
    const rows = await t.store.decisions.engagementOf('w1', ['c1']);
    assert.deepEqual(rows.map((r) => [r.channel, r.hourOfWeek, r.sends, r.responses]).sort(), [
      ['email', 10, 2, 1],
      ['sms', 20, 1, 0],
    ]);
    const population = await t.store.decisions.population('w1');
    const email = population.channels.find((c) => c.channel === 'email');
    const expected = momentsOf([
      { sends: 2, responses: 1 },
      { sends: 3, responses: 1 },
    ]);
    assert.ok(email);
    assert.equal(email.customers, expected.customers);
    for (const field of ['sumRate', 'sumRateSquared', 'sumNoise', 'sends', 'responses'] as const) {
      assert.ok(Math.abs(email[field] - expected[field]) < 1e-9, `${field}: ${email[field]} vs ${expected[field]}`);
    }
    const hour = population.hours.find((h) => h.channel === 'email' && h.hourOfWeek === 10);
    assert.deepEqual([hour?.sends, hour?.responses], [5, 2]);
  });
});
