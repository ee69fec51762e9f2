import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`ingestion API (${store})`, () => {
    let t: TestGodwit;
    before(async () => {
      t = await startTestGodwit({ store });
    });
    after(() => t.close());

    const post = (
      path: string,
      body: unknown,
      init: { key?: string | null; headers?: Record<string, string> } = {},
    ) => {
      const key = init.key === undefined ? t.writeKey : init.key;
      const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
      if (key) headers.authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
      const payload = Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body);
      return fetch(`${t.url}${path}`, { method: 'POST', headers, body: payload });
    };
    const expectError = async (response: Response, status: number, pattern: RegExp) => {
      const body = (await response.json()) as { error: { message: string } };
      assert.equal(response.status, status, body.error?.message);
      assert.match(body.error.message, pattern);
    };
    const customer = async (id: string) => {
      await t.settle();
      const response = await fetch(`${t.url}/v1/customers/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${t.secretKey}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };

    it('accepts every Segment call and shows it on the timeline', async () => {
      for (const [path, body] of [
        ['identify', { userId: 'api-1', traits: { name: 'Ada', plan: 'pro' } }],
        ['track', { userId: 'api-1', event: 'Order Completed', properties: { total: 120 } }],
        ['page', { userId: 'api-1', name: 'Pricing' }],
        ['screen', { userId: 'api-1', name: 'Home' }],
        ['group', { userId: 'api-1', groupId: 'acme', traits: { size: 10 } }],
        ['alias', { userId: 'api-1', previousId: 'anon-api-1' }],
      ] as const) {
        const response = await post(`/v1/${path}`, body);
        assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
        assert.deepEqual(await response.json(), { success: true });
      }
      const { body } = await customer('api-1');
      assert.equal(body.profile.traits.plan, 'pro');
      assert.deepEqual(body.timeline.events.map((e: { type: string }) => e.type).sort(), [
        'alias',
        'group',
        'identify',
        'page',
        'screen',
        'track',
      ]);
      const track = body.timeline.events.find((e: { type: string }) => e.type === 'track');
      assert.equal(track.properties.total, 120);
      assert.ok(Date.parse(track.receivedAt) > 0, 'receivedAt is set by the server');
    });

    it('stores a message once however often it is sent', async () => {
      const message = { userId: 'dedupe-1', event: 'Clicked', messageId: 'fixed-message-id' };
      for (let i = 0; i < 3; i++) assert.equal((await post('/v1/track', message)).status, 200);
      assert.equal(
        (
          await post('/v1/batch', {
            batch: [
              { ...message, type: 'track' },
              { ...message, type: 'track' },
            ],
          })
        ).status,
        200,
      );
      const { body } = await customer('dedupe-1');
      assert.equal(body.timeline.events.length, 1);
    });

    it('corrects the device clock from sentAt', async () => {
      const hourAhead = Date.now() + 3_600_000;
      const response = await post('/v1/batch', {
        sentAt: new Date(hourAhead).toISOString(),
        batch: [
          { type: 'track', userId: 'skew-1', event: 'Opened', timestamp: new Date(hourAhead - 10_000).toISOString() },
        ],
      });
      assert.equal(response.status, 200);
      const { body } = await customer('skew-1');
      const [stored] = body.timeline.events;
      const drift = Date.parse(stored.timestamp) - (Date.parse(stored.receivedAt) - 10_000);
      assert.equal(drift, 0, 'timestamp = receivedAt − (sentAt − originalTimestamp)');
      assert.equal(stored.originalTimestamp, new Date(hourAhead - 10_000).toISOString());
    });

    it('reads a timestamp without an offset as UTC, whatever the server zone', async () => {
      const zone = process.env.TZ;
      process.env.TZ = 'Asia/Shanghai'; // Node rereads it: Date.parse would now read local times in Shanghai
      const response = await post('/v1/track', {
        userId: 'zoneless-1',
        event: 'Opened',
        timestamp: '2026-01-05T09:30:00',
      }).finally(() => {
        if (zone === undefined) delete process.env.TZ;
        else process.env.TZ = zone;
      });
      assert.equal(response.status, 200);
      const [stored] = (await customer('zoneless-1')).body.timeline.events;
      assert.equal(stored.originalTimestamp, '2026-01-05T09:30:00.000Z');
    });

    it('rejects bad input with a message naming the problem, and stores none of the batch', async () => {
      await expectError(await post('/v1/track', { event: 'No Ids' }), 400, /userId or anonymousId is required/);
      await expectError(await post('/v1/track', { userId: 'x' }), 400, /event/);
      await expectError(await post('/v1/track', Buffer.from('{"userId": "x",')), 400, /not valid JSON/);
      await expectError(await post('/v1/track', [1, 2]), 400, /JSON object/);
      await expectError(await post('/v1/batch', { batch: [] }), 400, /at least one/);
      await expectError(await post('/v1/track', { userId: 'x', event: 'e', timestamp: 'yesterday' }), 400, /timestamp/);
      // Date.parse would roll these over into March and May.
      const impossible = { userId: 'x', event: 'e', timestamp: '2026-02-30T10:00:00Z' };
      await expectError(await post('/v1/track', impossible), 400, /^timestamp: must be an ISO-8601 date$/);
      await expectError(await post('/v1/page', { userId: 'x', sentAt: '2026-04-31' }), 400, /^sentAt: /);
      const mixed = {
        batch: [
          { type: 'track', userId: 'bad-batch', event: 'ok' },
          { type: 'track', userId: 'bad-batch', event: '' },
        ],
      };
      await expectError(await post('/v1/batch', mixed), 400, /batch\[1\]\.event/);
      await expectError(await post('/v1/batch', { batch: [{ type: 'launch', userId: 'x' }] }), 400, /batch\[0\].*type/);
      assert.equal((await customer('bad-batch')).status, 404, 'the valid half of a rejected batch is not stored');
    });

    it('refuses a message whose only ids are placeholders, naming the field, and stores nothing', async () => {
      const before = await t.godwit.store.countEvents(t.workspaceId);
      await expectError(
        await post('/v1/track', { userId: 'null', event: 'PH' }),
        400,
        /^userId: "null" is a placeholder, not an id: userId or anonymousId is required$/,
      );
      await expectError(
        await post('/v1/track', { anonymousId: 'anonymous', event: 'PH' }),
        400,
        /^anonymousId: "anonymous" is a placeholder/,
      );
      const batch = [
        { type: 'track', userId: 'ph-ok', event: 'ok' },
        { type: 'page', userId: 0, anonymousId: 'nil' },
      ];
      await expectError(await post('/v1/batch', { batch }), 400, /^batch\[1\]\.userId: "0" is a placeholder/);
      assert.equal(await t.godwit.store.countEvents(t.workspaceId), before);

      const identify = await post('/v1/identify', {
        userId: 'null',
        anonymousId: 'ph-anon-1',
        traits: { name: 'Pat' },
      });
      assert.equal(identify.status, 200, 'a real anonymousId beside a placeholder userId is enough');
      const { status, body } = await customer('ph-anon-1');
      assert.deepEqual([status, body.profile.traits.name], [200, 'Pat']);
    });

    it('takes an identify whose ids are placeholders by its email or phone trait, onto that customer', async () => {
      const ada = { userId: 'ph-ada', traits: { email: 'ada@example.com', phone: '+442079460000' } };
      assert.equal((await post('/v1/identify', ada)).status, 200);
      const byEmail = { userId: 'null', traits: { email: 'Ada@Example.com', plan: 'pro' } };
      assert.equal((await post('/v1/identify', byEmail)).status, 200);
      const byPhone = { type: 'identify', anonymousId: 'anonymous', traits: { phone: '+44 20 7946 0000', seats: 3 } };
      assert.equal((await post('/v1/batch', { batch: [byPhone] })).status, 200);
      const { body } = await customer('ph-ada');
      assert.deepEqual([body.profile.traits.plan, body.profile.traits.seats], ['pro', 3]);

      await expectError(
        await post('/v1/identify', { traits: { email: 'ada@example.com' } }),
        400,
        /^userId: userId or anonymousId is required$/,
      );
      await expectError(
        await post('/v1/identify', { userId: 'null', traits: { email: 'none' } }),
        400,
        /^userId: "null" is a placeholder/,
      );
    });

    it("words validation errors in Godwit's terms, not zod's", async () => {
      await expectError(await post('/v1/track', { userId: 'x' }), 400, /^event: is required$/);
      await expectError(await post('/v1/track', { userId: 'x', event: 5 }), 400, /^event: must be text$/);
      await expectError(
        await post('/v1/track', { userId: 'x', event: 'e', context: 'web' }),
        400,
        /^context: must be an object$/,
      );
      await expectError(await post('/v1/alias', { userId: 'x' }), 400, /^previousId: is required$/);
      const batch = [{ type: 'track', userId: true, event: 'e' }];
      await expectError(await post('/v1/batch', { batch }), 400, /^batch\[0\]\.userId: must be text or a number$/);
      await expectError(await post('/v1/batch', { batch: 'all' }), 400, /^batch: must be a list$/);
    });

    it('enforces 32 KB per event and 500 KB per batch, after gunzip', async () => {
      const big = 'x'.repeat(33 * 1024);
      await expectError(await post('/v1/track', { userId: 'big', event: 'e', properties: { big } }), 400, /32 KB/);
      const batch = Array.from({ length: 20 }, () => ({
        type: 'track',
        userId: 'big',
        event: 'e',
        properties: { p: 'y'.repeat(30_000) },
      }));
      await expectError(await post('/v1/batch', { batch }), 400, /500 KB/);
      const zipped = gzipSync(JSON.stringify({ batch }));
      assert.ok(zipped.length < 50_000, 'small on the wire');
      await expectError(await post('/v1/batch', zipped, { headers: { 'content-encoding': 'gzip' } }), 400, /500 KB/);
    });

    it('accepts gzip and text/plain bodies and the write key in the body', async () => {
      const zipped = gzipSync(JSON.stringify({ batch: [{ type: 'track', userId: 'enc-1', event: 'Zipped' }] }));
      assert.equal((await post('/v1/batch', zipped, { headers: { 'content-encoding': 'gzip' } })).status, 200);
      const plain = JSON.stringify({ userId: 'enc-1', event: 'Plain', writeKey: t.writeKey });
      const response = await post('/v1/t', Buffer.from(plain), {
        key: null,
        headers: { 'content-type': 'text/plain' },
      });
      assert.equal(response.status, 200);
      const { body } = await customer('enc-1');
      assert.deepEqual(body.timeline.events.map((e: { event: string }) => e.event).sort(), ['Plain', 'Zipped']);
    });

    it('answers 401 to a missing or unknown write key', async () => {
      await expectError(await post('/v1/track', { userId: 'x', event: 'e' }, { key: null }), 401, /missing write key/);
      await expectError(
        await post('/v1/track', { userId: 'x', event: 'e' }, { key: 'gw_write_nope' }),
        401,
        /invalid write key/,
      );
      await expectError(
        await post('/v1/track', { userId: 'x', event: 'e' }, { key: t.secretKey }),
        401,
        /invalid write key/,
      );
    });

    it('pages a long timeline newest first', async () => {
      const batch = Array.from({ length: 25 }, (_, i) => ({
        type: 'track',
        userId: 'pager',
        event: `E${i}`,
        timestamp: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      }));
      assert.equal((await post('/v1/batch', { batch })).status, 200);
      await t.settle();
      const seen: string[] = [];
      let next: string | null = '';
      while (next !== null) {
        const query: string = next ? `&before=${next}` : '';
        const response = await fetch(`${t.url}/v1/customers/pager?limit=10${query}`, {
          headers: { authorization: `Bearer ${t.secretKey}` },
        });
        const body = (await response.json()) as { timeline: { events: { event: string }[]; next: string | null } };
        seen.push(...body.timeline.events.map((e) => e.event));
        next = body.timeline.next;
      }
      assert.deepEqual(
        seen,
        Array.from({ length: 25 }, (_, i) => `E${24 - i}`),
      );
    });

    it('reports ingestion in /metrics', async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      const count = Number(/^godwit_events_ingested_total (\d+)/m.exec(text)?.[1]);
      assert.ok(count > 30, `godwit_events_ingested_total = ${count}`);
      assert.match(text, /godwit_profile_lag_events/);
    });
  });
}
