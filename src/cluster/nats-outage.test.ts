import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { freePort } from '../app/test-processes.ts';
import { createTestPostgresDatabase } from '../storage/test-databases.ts';
import { createThrough, emailTemplate } from './cluster-drill.ts';
import { LocalCluster } from './local-cluster.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A NATS server of this test's own (port and store directory), so stopping it disturbs no other test. */
class PrivateNats {
  private child: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'godwit-nats-'));
  constructor(readonly port: number) {}
  get url() {
    return `nats://127.0.0.1:${this.port}`;
  }
  async start() {
    this.child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir], {
      stdio: 'ignore',
    });
    await sleep(700);
  }
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const JOURNEY = {
  id: 'outage',
  name: 'Send on every order',
  status: 'live',
  trigger: { event: 'Order Completed' },
  entry: { policy: 'every_time', allowConcurrent: true },
  start: 'hello',
  nodes: { hello: { type: 'send', template: 'thanks', channel: 'email', next: 'done' }, done: { type: 'exit' } },
};

describe('NATS down', () => {
  let nats: PrivateNats;
  let database: Awaited<ReturnType<typeof createTestPostgresDatabase>>;
  let cluster: LocalCluster;
  let db: pg.Pool;

  before(async () => {
    nats = new PrivateNats(await freePort());
    await nats.start();
    database = await createTestPostgresDatabase();
    db = new pg.Pool({ connectionString: database.url, max: 2 });
    cluster = await LocalCluster.start({ apis: 1, workers: 1, databaseUrl: database.url, natsUrl: nats.url });
  });

  after(async () => {
    await cluster?.stop();
    await db?.end();
    await database?.drop();
    await nats?.stop();
    rmSync(nats.dir, { recursive: true, force: true });
  });

  it('the API still commits and acknowledges; the events wait in the log and take effect when NATS is back', async () => {
    const [api, worker] = [cluster.apis[0], cluster.workers[0]];
    const admin = { authorization: `Bearer ${cluster.secretKey}`, 'content-type': 'application/json' };
    // A journey goes live only with its templates in place.
    await createThrough(
      { url: api?.url ?? '', secretKey: cluster.secretKey },
      '/v1/templates',
      emailTemplate('thanks'),
    );
    const created = await fetch(`${api?.url}/v1/journeys`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify(JOURNEY),
    });
    assert.equal(created.status, 201);
    await sleep(6_000); // the worker's cache of live journeys

    await nats.stop();
    const auth = `Basic ${Buffer.from(`${cluster.writeKey}:`).toString('base64')}`;
    const orders = 200;
    for (let start = 0; start < orders; start += 50) {
      const batch = Array.from({ length: 50 }, (_, i) => ({
        type: 'track',
        messageId: `outage-${start + i}`,
        userId: `outage-user-${start + i}`,
        event: 'Order Completed',
        context: { traits: { email: `outage-${start + i}@example.com` } },
      }));
      const response = await fetch(`${api?.url}/v1/batch`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ batch }),
      });
      assert.equal(response.status, 200, await response.text());
    }
    assert.equal(
      Number((await db.query(`select count(*) from events where message_id like 'outage-%'`)).rows[0].count),
      orders,
    );
    assert.equal((await fetch(`${api?.url}/readyz`)).status, 200, 'the API does not depend on NATS');
    const notReady = await fetch(`${worker?.url}/readyz`);
    assert.equal(notReady.status, 503);
    assert.match(((await notReady.json()) as { reason: string }).reason, /bus: NATS at nats:\/\/127\.0\.0\.1:\d+/);
    await sleep(1_500);
    const metrics = await (await fetch(`${worker?.url}/metrics`)).text();
    const lag = Number(/^godwit_bus_relay_lag_events (\d+)/m.exec(metrics)?.[1]);
    assert.ok(lag >= orders, `relay lag ${lag} while NATS is down`);
    const outboxWhileDown = Number((await db.query('select count(*) from outbox')).rows[0].count);
    assert.equal(outboxWhileDown, 0, 'nothing reaches journeys while NATS is down');

    await nats.start();
    let sends = 0;
    for (let waited = 0; sends < orders && waited < 60_000; waited += 250) {
      await sleep(250);
      sends = Number((await db.query(`select count(*) from outbox where journey_id = 'outage'`)).rows[0].count);
    }
    assert.equal(sends, orders, 'every order acknowledged while NATS was down reached the outbox once');
    const customers = await db.query(`select count(distinct customer_id) from outbox where journey_id = 'outage'`);
    assert.equal(Number(customers.rows[0].count), orders);
    assert.equal((await fetch(`${worker?.url}/readyz`)).status, 200);
  });
});
