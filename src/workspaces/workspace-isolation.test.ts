import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { runCli } from '../app/test-processes.ts';
import { findInAllTables, readAllTables, scanTargetOf } from '../storage/test-table-scan.ts';
import { hashKey } from './key-hash.ts';

type Json = Record<string, any>;
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`workspace isolation and API keys (${store})`, () => {
    let gw: TestGodwit;
    let b: { workspaceId: string; writeKey: string; secretKey: string };
    const t = randomBytes(5).toString('hex');
    const userA = `iso-a-${t}`;
    const emailA = `iso.a.${t}@example.com`;
    const shared = `iso-shared-${t}`;
    const issued: string[] = [];

    const ingest = async (key: string | undefined, type: string, body: Json) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (key) headers.authorization = basic(key);
      const response = await fetch(`${gw.url}/v1/${type}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const admin = async (key: string | undefined, path: string, init: { method?: string; body?: Json } = {}) => {
      const headers: Record<string, string> = {};
      if (key) headers.authorization = `Bearer ${key}`;
      if (init.body) headers['content-type'] = 'application/json';
      const body = init.body ? JSON.stringify(init.body) : undefined;
      const response = await fetch(`${gw.url}${path}`, { method: init.method ?? 'GET', headers, body });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const ok = (r: { status: number; body: Json }, status = 200) =>
      assert.equal(r.status, status, JSON.stringify(r.body));

    before(async () => {
      gw = await startTestGodwit({ store });
      b = await gw.godwit.workspaces.createWorkspace('B');
      issued.push(gw.writeKey, gw.secretKey, b.writeKey, b.secretKey);
      const traits = { email: emailA, plan: `plan-${t}` };
      ok(await ingest(gw.writeKey, 'identify', { messageId: `a1-${t}`, userId: userA, traits }));
      ok(await ingest(gw.writeKey, 'track', { messageId: `a2-${t}`, userId: userA, event: 'Signed Up' }));
      // The same userId in both workspaces must make two unrelated profiles.
      ok(await ingest(gw.writeKey, 'identify', { messageId: `s-${t}`, userId: shared, traits: { side: 'A' } }));
      ok(await ingest(b.writeKey, 'identify', { messageId: `s-${t}`, userId: shared, traits: { side: 'B' } }));
      ok(await ingest(b.writeKey, 'track', { messageId: `b1-${t}`, userId: shared, event: 'Only In B' }));
      await gw.settle();
    });
    after(async () => {
      await gw?.close();
    });

    it("keeps A's events and customers out of B", async () => {
      const s = gw.godwit.store;
      assert.equal(await s.countEvents(gw.workspaceId), 3);
      assert.equal(await s.countEvents(b.workspaceId), 2);
      assert.equal(await s.hasEvent(b.workspaceId, `a1-${t}`), false);
      assert.equal(await s.hasEvent(gw.workspaceId, `a1-${t}`), true);

      const viewA = await admin(gw.secretKey, `/v1/customers/${userA}`);
      ok(viewA);
      const idA: string = viewA.body.profile.id;
      for (const id of [userA, emailA, idA]) {
        const r = await admin(b.secretKey, `/v1/customers/${encodeURIComponent(id)}`);
        assert.equal(r.status, 404, id);
        assert.equal(r.body.error.code, 'not_found');
        assert.equal((await admin(b.secretKey, `/v1/customers/${encodeURIComponent(id)}/export`)).status, 404);
      }
      for (const q of [userA, emailA, idA, `plan-${t}`, 'iso']) {
        ok(await admin(gw.secretKey, `/v1/customers?q=${encodeURIComponent(q)}`));
        const r = await admin(b.secretKey, `/v1/customers?q=${encodeURIComponent(q)}`);
        ok(r);
        assert.ok(!r.body.customers.some((c: Json) => c.id === idA), `B found A's customer by ${q}`);
      }
      assert.equal((await admin(gw.secretKey, `/v1/customers?q=${userA}`)).body.customers[0]?.id, idA);
      assert.deepEqual((await admin(b.secretKey, `/v1/customers?trait=plan:plan-${t}`)).body.customers, []);
      assert.equal((await admin(b.secretKey, `/v1/customers/${idA}`, { method: 'DELETE' })).status, 404);
      ok(await admin(gw.secretKey, `/v1/customers/${idA}`));

      const sharedA = (await admin(gw.secretKey, `/v1/customers/${shared}`)).body;
      const sharedB = (await admin(b.secretKey, `/v1/customers/${shared}`)).body;
      assert.notEqual(sharedA.profile.id, sharedB.profile.id);
      assert.deepEqual([sharedA.profile.traits.side, sharedB.profile.traits.side], ['A', 'B']);
      assert.deepEqual(
        sharedA.timeline.events.map((e: Json) => e.type),
        ['identify'],
      );
      assert.deepEqual(sharedB.timeline.events.map((e: Json) => e.event ?? e.type).sort(), ['Only In B', 'identify']);

      const wsB = await admin(b.secretKey, '/v1/workspace');
      ok(wsB);
      assert.deepEqual([wsB.body.id, wsB.body.name, wsB.body.events, wsB.body.customers], [b.workspaceId, 'B', 2, 1]);
    });

    it('refuses a missing, invalid or wrong-kind key with a 401 that says why', async () => {
      const cases = [
        { r: await admin(gw.writeKey, `/v1/customers/${userA}`), message: /invalid secret API key/ },
        { r: await admin(undefined, `/v1/customers/${userA}`), message: /missing secret API key/ },
        { r: await admin('gw_secret_not-a-real-key', '/v1/workspace'), message: /invalid secret API key/ },
        { r: await admin(gw.writeKey, '/v1/keys', { method: 'POST', body: { type: 'write' } }), message: /invalid/ },
        { r: await ingest(gw.secretKey, 'track', { userId: userA, event: 'X' }), message: /invalid write key/ },
        { r: await ingest(undefined, 'track', { userId: userA, event: 'X' }), message: /missing write key/ },
        {
          r: await ingest('gw_write_not-a-real-key', 'track', { userId: userA, event: 'X' }),
          message: /invalid write key/,
        },
      ];
      for (const { r, message } of cases) {
        assert.equal(r.status, 401, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'unauthorized');
        assert.match(r.body.error.message, message);
      }
      assert.equal(await gw.godwit.store.countEvents(gw.workspaceId), 3, 'a refused event was stored');
    });

    it('creates working keys with POST /v1/keys and stores only their hashes', async () => {
      const write = await admin(gw.secretKey, '/v1/keys', { method: 'POST', body: { type: 'write', label: 'ci' } });
      ok(write, 201);
      assert.equal(write.body.type, 'write');
      assert.match(write.body.key, /^gw_write_/);
      const secret = await admin(gw.secretKey, '/v1/keys', { method: 'POST', body: { type: 'secret' } });
      ok(secret, 201);
      const secretB = await admin(b.secretKey, '/v1/keys', { method: 'POST', body: { type: 'secret' } });
      ok(secretB, 201);
      issued.push(write.body.key, secret.body.key, secretB.body.key);

      ok(await ingest(write.body.key, 'track', { messageId: `k1-${t}`, userId: userA, event: 'Via New Key' }));
      assert.equal(await gw.godwit.store.hasEvent(gw.workspaceId, `k1-${t}`), true);
      ok(await admin(secret.body.key, `/v1/customers/${userA}`));
      assert.equal((await admin(secretB.body.key, `/v1/customers/${userA}`)).status, 404);
      assert.equal((await admin(write.body.key, `/v1/customers/${userA}`)).status, 401);
      const bad = await admin(gw.secretKey, '/v1/keys', { method: 'POST', body: { type: 'admin' } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /type/);

      const target = scanTargetOf(gw.godwit.config);
      const keyRows = (await readAllTables(target)).find((x) => x.table === 'api_keys')?.rows ?? [];
      assert.equal(keyRows.length, issued.length);
      for (const key of issued)
        assert.ok(
          keyRows.some((row) => row.includes(hashKey(key))),
          'a key has no hash row',
        );
      assert.deepEqual(await findInAllTables(target, issued), [], 'a plaintext key is stored');
    });

    it('`keys create` prints only the key and the running server accepts it', async () => {
      const env = { dataDir: gw.dataDir, databaseUrl: gw.godwit.config.DATABASE_URL };
      const write = await runCli(['keys', 'create', '--type', 'write'], env);
      assert.equal(write.code, 0, write.stderr);
      assert.match(write.stdout, /^gw_write_[A-Za-z0-9_-]{20,}\n$/);
      const key = write.stdout.trim();
      ok(await ingest(key, 'track', { messageId: `cli-${t}`, userId: userA, event: 'Via CLI Key' }));
      assert.equal(await gw.godwit.store.hasEvent(gw.workspaceId, `cli-${t}`), true);

      const forB = await runCli(['keys', 'create', '--type', 'secret', '--workspace', b.workspaceId], env);
      assert.equal(forB.code, 0, forB.stderr);
      assert.match(forB.stdout, /^gw_secret_[A-Za-z0-9_-]{20,}\n$/);
      const r = await admin(forB.stdout.trim(), '/v1/workspace');
      ok(r);
      assert.equal(r.body.id, b.workspaceId);
      assert.deepEqual(await findInAllTables(scanTargetOf(gw.godwit.config), [key, forB.stdout.trim()]), []);

      const wrong = await runCli(['keys', 'create', '--type', 'admin'], env);
      assert.equal(wrong.code, 1);
      assert.equal(wrong.stdout, '');
      assert.match(wrong.stderr, /--type must be write or secret/);
    });
  });
}
