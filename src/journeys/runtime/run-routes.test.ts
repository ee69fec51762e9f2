import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { ManualClock } from '../../shared/clock.ts';
import { callApi, iso, sendBatch, T0 } from '../test-journey-api.ts';
import { driveByHand, goLive } from './test-runtime.ts';

const welcome = {
  id: 'welcome_api',
  trigger: { type: 'api' },
  entry: { policy: 'once' },
  goals: [{ name: 'bought', event: 'Order Completed' }],
  start: 'hello',
  nodes: {
    hello: { type: 'send', template: 'hello', channel: 'email', next: 'split' },
    split: {
      type: 'random_split',
      branches: [
        { name: 'a', weight: 50, next: 'pause' },
        { name: 'b', weight: 50, next: 'pause' },
      ],
    },
    pause: { type: 'wait', duration: '1d', next: 'done' },
    done: { type: 'exit' },
  },
};

describe('journey runs API', () => {
  const clock = new ManualClock(T0);
  let t: TestGodwit;
  let n = 0;
  const identify = (userId: string) => ({
    type: 'identify',
    userId,
    messageId: `r-${++n}`,
    traits: { email: `${userId}@example.com` },
    timestamp: iso(clock.now()),
  });

  before(async () => {
    t = await startTestGodwit({ clock });
    await driveByHand(t);
    await goLive(t, welcome);
    await goLive(t, { ...welcome, id: 'event_started', trigger: { event: 'Signed Up' } });
    await sendBatch(t, [identify('ann'), identify('bob')]);
  });
  after(() => t.close());

  it('starts a run by API call once, under the entry policy', async () => {
    const first = await callApi(t, 'POST', '/v1/journeys/welcome_api/trigger', {
      customer: 'ann@example.com',
      properties: { source: 'test' },
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.entered, true);
    const again = await callApi(t, 'POST', '/v1/journeys/welcome_api/trigger', { customer: 'ann' });
    assert.deepEqual(again.body, { entered: false, reason: 'run_in_progress' });

    const waiting = await callApi(t, 'GET', '/v1/journeys/welcome_api/stats');
    assert.equal(waiting.body.nodes.pause.waiting, 1);
    assert.equal(waiting.body.runs.waiting, 1);

    const run = await callApi(t, 'GET', `/v1/runs/${first.body.runId}`);
    assert.equal(run.status, 200);
    assert.equal(run.body.run.waiting.nodeId, 'pause');
    assert.deepEqual(run.body.run.trigger.properties, { source: 'test' });
    assert.deepEqual(
      run.body.path.filter((p: { kind: string }) => p.kind === 'entered').map((p: { nodeId: string }) => p.nodeId),
      ['hello', 'split', 'pause'],
    );
  });

  it('counts per node and branch, and conversions per branch taken', async () => {
    await sendBatch(t, [
      { type: 'track', userId: 'ann', messageId: `r-${++n}`, event: 'Order Completed', timestamp: iso(clock.now()) },
    ]);
    await t.godwit.runtime.processEvents();
    const stats = await callApi(t, 'GET', '/v1/journeys/welcome_api/stats');
    assert.equal(stats.status, 200);
    assert.equal(stats.body.runs.started, 1);
    assert.equal(stats.body.runs.converted, 1);
    assert.equal(stats.body.runs.waiting, 0);
    assert.equal(stats.body.nodes.pause.waiting, 0, 'the converted run no longer waits');
    assert.equal(stats.body.nodes.hello.entered, 1);
    assert.equal(stats.body.nodes.pause.converted, 1, 'converted while waiting at pause');
    const branches = Object.values(stats.body.nodes.split.branches) as { taken: number; converted: number }[];
    assert.equal(
      branches.reduce((sum, b) => sum + b.taken, 0),
      1,
    );
    assert.equal(
      branches.reduce((sum, b) => sum + b.converted, 0),
      1,
    );
    const journeys = await callApi(t, 'GET', '/v1/customers/ann/journeys');
    assert.equal(journeys.body.runs[0].outcome, 'converted');
    assert.equal(journeys.body.runs[0].path.at(-1).kind, 'converted');
  });

  it('cancels a waiting run once', async () => {
    const started = await callApi(t, 'POST', '/v1/journeys/welcome_api/trigger', { customer: 'bob' });
    const { runId } = started.body;
    const cancelled = await callApi(t, 'POST', `/v1/runs/${runId}/cancel`, { reason: 'asked by support' });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.run.outcome, 'exited');
    assert.equal(cancelled.body.path.at(-1).reason, 'asked by support');
    assert.equal(await t.godwit.store.journeys.countTimers(), 0, 'its timer is gone');
    const again = await callApi(t, 'POST', `/v1/runs/${runId}/cancel`);
    assert.equal(again.status, 409);
    assert.match(again.body.error.message, /already finished/);
    const listed = await callApi(t, 'GET', '/v1/journeys/welcome_api/runs?status=finished&limit=1');
    assert.equal(listed.body.runs.length, 1);
    assert.ok(listed.body.next, 'a full page with older runs says where the next one starts');
    const older = await callApi(
      t,
      'GET',
      `/v1/journeys/welcome_api/runs?status=finished&limit=1&before=${listed.body.next}`,
    );
    assert.equal(older.status, 200, JSON.stringify(older.body));
    assert.notEqual(older.body.runs[0].runId, listed.body.runs[0].runId);
    assert.equal(older.body.next, null, 'the last page, though full, has no next');
    const all = await callApi(t, 'GET', '/v1/journeys/welcome_api/runs?limit=2');
    assert.deepEqual([all.body.runs.length, all.body.next], [2, null]);
  });

  it('answers clear errors', async () => {
    const cases: [string, string, unknown, number, RegExp][] = [
      ['POST', '/v1/journeys/event_started/trigger', { customer: 'ann' }, 409, /Signed Up|event trigger/],
      ['POST', '/v1/journeys/nope/trigger', { customer: 'ann' }, 404, /no journey with id nope/],
      ['GET', '/v1/journeys/nope/runs', undefined, 404, /no journey with id nope/],
      ['GET', '/v1/journeys/welcome_api/runs?before=garbage', undefined, 400, /before: not a cursor/],
      ['POST', '/v1/journeys/welcome_api/trigger', { customer: 'nobody' }, 404, /nobody/],
      ['POST', '/v1/journeys/welcome_api/trigger', { who: 'ann' }, 400, /customer/],
      ['GET', '/v1/runs/missing', undefined, 404, /missing/],
      ['GET', '/v1/journeys/nope/stats', undefined, 404, /nope/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const reply = await callApi(t, method, path, body);
      assert.equal(reply.status, status, `${method} ${path}: ${JSON.stringify(reply.body)}`);
      assert.match(reply.body.error.message, message, path);
    }
  });
});
