import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { waitFor } from '../../shared/test-wait-for.ts';
import { sqliteFile } from '../../storage/open-store.ts';
import { callApi, sendBatch } from '../test-journey-api.ts';
import { JOURNEY_CURSOR } from './journey-runtime.ts';

const receipt = {
  id: 'receipt',
  name: 'Receipt',
  status: 'live',
  trigger: { type: 'event', event: 'Order Completed' },
  entry: { policy: 'every_time' },
  start: 'thanks',
  nodes: { thanks: { type: 'send', template: 'thanks', channel: 'email', next: 'done' }, done: { type: 'exit' } },
};

/** The embedded server's journeys on their own thread and connection, as `godwit start` runs them. */
describe('journey thread', () => {
  let t: TestGodwit;
  let file: BetterSqlite3.Database;
  const cursorOwner = () =>
    file.prepare('select owner from cursors where name = ?').pluck().get(JOURNEY_CURSOR) as string | null | undefined;
  const orders = async (userId: string, count: number) => {
    const batch = [
      { type: 'identify', userId, traits: { email: `${userId}@example.com` } },
      ...Array.from({ length: count }, (_, i) => ({
        type: 'track',
        userId,
        event: 'Order Completed',
        properties: { order: i },
      })),
    ];
    await sendBatch(t, batch);
  };
  const outbox = (customerOf: string) =>
    file
      .prepare(`select count(*) from outbox where customer_id = (select customer_id from identities where value = ?)`)
      .pluck()
      .get(`${customerOf}@example.com`) as number;

  before(async () => {
    t = await startTestGodwit({ config: { GODWIT_JOURNEY_THREAD: 'on' } });
    file = new BetterSqlite3(sqliteFile(t.dataDir), { readonly: true });
    const template = {
      id: 'thanks',
      name: 'Thanks',
      channels: { email: { subject: 'Thanks', html: '<p>Thanks</p>' } },
    };
    assert.equal((await callApi(t, 'POST', '/v1/templates', template)).status, 201);
    assert.equal((await callApi(t, 'POST', '/v1/journeys', receipt)).status, 201);
  });
  let closed = false;
  after(async () => {
    file.close();
    if (!closed) await t.godwit.close();
    rmSync(t.dataDir, { recursive: true, force: true });
  });

  it('runs journeys on a connection of its own: each order gets its message once', async () => {
    await orders('ada', 30);
    assert.equal(await waitFor("ada's 30 messages", () => (outbox('ada') === 30 ? 30 : undefined), 10_000), 30);
    assert.match(cursorOwner() ?? '', /:journeys$/);
    // The server's own runtime holds no lease, so it does not step the same events again.
    assert.equal(await t.godwit.runtime.processEvents(), 0);
  });

  it('hears of journey changes: a paused journey starts no more runs', async () => {
    assert.equal((await callApi(t, 'POST', '/v1/journeys/receipt/status', { status: 'paused' })).status, 200);
    await orders('grace', 1);
    await orders('ada', 1);
    await t.settle();
    // The thread has read past both orders (its cursor is the log's end) without sending for them.
    const end = await t.godwit.store.lastEventSeq();
    await waitFor(
      'the journey cursor at the log end',
      async () => (await t.godwit.store.readCursor(JOURNEY_CURSOR)) >= end,
      10_000,
    );
    assert.equal(outbox('grace'), 0);
    assert.equal(outbox('ada'), 30);
  });

  it('gives its leases back when Godwit closes', async () => {
    await t.godwit.close();
    closed = true;
    assert.equal(cursorOwner(), null);
  });
});
