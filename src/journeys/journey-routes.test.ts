import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { sqliteFile } from '../storage/open-store.ts';
import { readCatalogText } from './catalog/journey-catalog.ts';
import { callApi, cartCustomer, DAY, HOUR, iso, MINUTE, sendBatch, T0 } from './test-journey-api.ts';

const journey = (nodes: Record<string, unknown>) => ({
  id: 'welcome',
  name: 'Welcome',
  trigger: { event: 'Signed Up' },
  start: 'wait_1',
  nodes,
});

/** Rows in every table of the SQLite file, read through a second connection. */
function rowCounts(t: TestGodwit): Record<string, number> {
  const db = new Database(sqliteFile(t.dataDir), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]),
    );
  } finally {
    db.close();
  }
}

describe('journey API', () => {
  let t: TestGodwit;
  const call = (method: string, path: string, body?: unknown) => callApi(t, method, path, body);
  before(async () => {
    t = await startTestGodwit();
    await sendBatch(t, [
      ...cartCustomer('ada', 'k1', T0 + 5 * HOUR - 10 * MINUTE),
      ...cartCustomer('bob', 'k2', T0 + 5 * HOUR, T0 + 7 * HOUR),
      { type: 'identify', userId: 'cy', traits: { email: 'cy@example.com' }, timestamp: iso(T0) },
    ]);
  });
  after(() => t.close());

  it('validates a journey given as JSON or as YAML text', async () => {
    const ok = await call(
      'POST',
      '/v1/journeys/validate',
      journey({ wait_1: { type: 'wait', duration: '1d', next: 'end' }, end: { type: 'exit' } }),
    );
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.valid, true);
    assert.equal(ok.body.journey.entry.policy, 'once'); // defaults filled in
    const yaml = await call('POST', '/v1/journeys/validate', { source: readCatalogText('abandoned-cart.yaml') });
    assert.equal(yaml.body.journey.id, 'abandoned-cart');
  });

  it('names the node and field of each problem', async () => {
    const bad = await call(
      'POST',
      '/v1/journeys/validate',
      journey({ wait_1: { type: 'wait', duration: 'soon', next: 'nowhere' } }),
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_input');
    assert.match(bad.body.error.message, /nodes\.wait_1\.duration: must be like 30m, 2h, 3d/);
    assert.deepEqual(bad.body.error.details[0], { path: 'nodes.wait_1.duration', message: 'must be like 30m, 2h, 3d' });
    const graph = await call(
      'POST',
      '/v1/journeys/validate',
      journey({ wait_1: { type: 'wait', duration: '1h', next: 'nowhere' } }),
    );
    assert.equal(graph.status, 400);
    assert.match(graph.body.error.details[0].path, /^nodes\.wait_1\.next/);
    const yaml = await call('POST', '/v1/journeys/validate', { source: 'id: x\nnodes: [' });
    assert.match(yaml.body.error.message, /source is not valid: not valid YAML: line \d+/);
    assert.equal((await call('POST', '/v1/journeys/validate', [1])).status, 400);
    const anonymous = await fetch(`${t.url}/v1/journeys/catalog`);
    assert.equal(anonymous.status, 401);
  });

  it('lists the catalog and returns one definition', async () => {
    const list = await call('GET', '/v1/journeys/catalog');
    assert.equal(list.body.journeys.length, 5);
    const cart = list.body.journeys.find((j: { id: string }) => j.id === 'abandoned-cart');
    assert.deepEqual(Object.keys(cart).sort(), ['category', 'description', 'id', 'name', 'requires', 'useCase']);
    assert.deepEqual(cart.requires.events, ['Cart Abandoned', 'Order Completed']);
    const one = await call('GET', '/v1/journeys/catalog/abandoned-cart');
    assert.equal(one.body.journey.start, 'wait_an_hour');
    const missing = await call('GET', '/v1/journeys/catalog/nope');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error.message, /abandoned-cart/);
  });

  it("simulates the abandoned-cart journey over a customer's events, and writes nothing", async () => {
    const before = { events: await t.godwit.store.countEvents(t.workspaceId), rows: rowCounts(t) };
    const now = iso(T0 + 5 * HOUR);
    const sim = await call('POST', '/v1/journeys/simulate', {
      catalogId: 'abandoned-cart',
      customer: 'ada@example.com',
      now,
    });
    assert.equal(sim.status, 200, JSON.stringify(sim.body));
    assert.equal(sim.body.status, 'finished');
    assert.equal(sim.body.outcome, 'completed');
    assert.equal(sim.body.customer.timezone, 'Europe/Berlin');
    assert.deepEqual(sim.body.trigger.properties, { cart_id: 'k1', total: 150 });
    assert.deepEqual(
      sim.body.messages.map((m: { template: string; at: string }) => [m.template, m.at]),
      [
        ['cart_reminder', iso(T0 + 6 * HOUR)],
        ['cart_discount', iso(T0 + DAY)],
      ], // Tue 10:00 in Berlin
    );
    assert.deepEqual(
      sim.body.path.map((p: { nodeId: string }) => p.nodeId),
      ['wait_an_hour', 'reminder', 'overnight', 'next_morning', 'big_cart', 'discount', 'done'],
    );
    assert.equal(sim.body.path[0].what, 'wait 1h until 2025-01-06 15:00 UTC');
    assert.equal(sim.body.path[4].what, 'condition → then');
    assert.equal(
      sim.body.path[5].what,
      'send cart_discount via email (marketing) → delayed until 2025-01-07 16:00 Europe/Berlin on email',
    );
    assert.deepEqual(sim.body.outcomes, { send: 1, delay: 1, suppress: 0 });
    assert.equal(sim.body.dryRun, true);
    await t.settle();
    assert.equal(await t.godwit.store.countEvents(t.workspaceId), before.events);
    assert.deepEqual(rowCounts(t), before.rows);
  });

  it('words each send as its decision says: suppressed when consent is denied', async () => {
    await sendBatch(t, cartCustomer('dee', 'k3', T0 + 5 * HOUR - 10 * MINUTE));
    const denied = { channel: 'email', topic: 'marketing', status: 'denied' };
    assert.equal((await call('PUT', '/v1/customers/dee/consent', denied)).status, 200);
    const body = { catalogId: 'abandoned-cart', customer: 'dee', now: iso(T0 + 5 * HOUR) };
    const sim = await call('POST', '/v1/journeys/simulate', body);
    const discount = sim.body.messages[1];
    assert.equal(discount.decision.outcome, 'suppress');
    assert.match(discount.what, /^suppressed because email: email consent denied for marketing/);
    assert.equal(sim.body.path[5].what, `send cart_discount via email (marketing) → ${discount.what}`);
    assert.equal(sim.body.path[1].what, 'send cart_reminder via best (marketing) → sent on in_app');
    assert.deepEqual(sim.body.outcomes, { send: 1, delay: 0, suppress: 1 });
  });

  it('replays from the trigger to see the cart bought, and says when later events were not replayed', async () => {
    const body = { catalogId: 'abandoned-cart', customer: 'bob', now: iso(T0 + 8 * HOUR) };
    const replay = await call('POST', '/v1/journeys/simulate', { ...body, from: 'trigger' });
    assert.equal(replay.body.outcome, 'converted');
    assert.equal(replay.body.reason, 'cart purchased');
    assert.deepEqual(
      replay.body.messages.map((m: { template: string }) => m.template),
      ['cart_reminder'],
    );
    assert.equal(replay.body.startedAt, iso(T0 + 5 * HOUR));
    const fromNow = await call('POST', '/v1/journeys/simulate', body);
    assert.equal(fromNow.body.outcome, 'completed');
    assert.match(fromNow.body.notes.join(' '), /Order Completed\) are not replayed/);
  });

  it('says when nothing would start, and accepts a trigger that would', async () => {
    const body = { catalogId: 'abandoned-cart', customer: 'cy', now: iso(T0 + HOUR) };
    const none = await call('POST', '/v1/journeys/simulate', body);
    assert.equal(none.body.status, 'not_triggered');
    assert.match(none.body.notes[0], /nothing would start: the customer has no Cart Abandoned event where total gt 0/);
    const given = await call('POST', '/v1/journeys/simulate', { ...body, trigger: { properties: { total: 20 } } });
    assert.deepEqual(
      given.body.messages.map((m: { template: string }) => m.template),
      ['cart_reminder', 'cart_last_call'],
    );
    const wrong = await call('POST', '/v1/journeys/simulate', { ...body, trigger: { properties: { total: 0 } } });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.error.message, /trigger does not start this journey/);
  });

  it('takes a definition or YAML source; rejects unknown customers and bad bodies', async () => {
    const source = readCatalogText('abandoned-cart.yaml');
    const yaml = await call('POST', '/v1/journeys/simulate', { source, customer: 'ada', now: iso(T0 + 5 * HOUR) });
    assert.equal(yaml.body.messages.length, 2);
    const unknown = await call('POST', '/v1/journeys/simulate', { catalogId: 'abandoned-cart', customer: 'zed' });
    assert.equal(unknown.status, 404);
    const cases: [unknown, RegExp][] = [
      [{ catalogId: 'abandoned-cart' }, /body\.customer/],
      [{ customer: 'ada' }, /exactly one of journey, catalogId or source/],
      [{ catalogId: 'abandoned-cart', source, customer: 'ada' }, /exactly one/],
      [{ catalogId: 'abandoned-cart', customer: 'ada', horizon: 'soon' }, /body\.horizon: must be like 30m/],
      [{ catalogId: 'abandoned-cart', customer: 'ada', now: 'yesterday' }, /body\.now: must be an ISO time/],
      [{ journey: { id: 'x' }, customer: 'ada' }, /journey is not valid: name: is required/],
    ];
    for (const [body, message] of cases) {
      const reply = await call('POST', '/v1/journeys/simulate', body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error.message, message);
    }
  });
});
