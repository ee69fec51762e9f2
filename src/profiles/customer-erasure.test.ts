import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { runCli } from '../app/test-processes.ts';
import { findInAllTables, readAllTables, scanTargetOf } from '../storage/test-table-scan.ts';

interface Customer {
  userId: string;
  anon: [string, string, string];
  emailRaw: string;
  phoneRaw: string;
  phoneE164: string;
  orderId: string;
  messageIds: string[];
}

const tag = () => randomBytes(5).toString('hex');

function newCustomer(prefix: string, phone: { raw: string; e164: string }): Customer {
  const t = tag();
  return {
    userId: `${prefix}-user-${t}`,
    anon: [`${prefix}-anon1-${t}`, `${prefix}-anon2-${t}`, `${prefix}-anon3-${t}`],
    emailRaw: `${prefix}.Mail.${t}@Example.COM`,
    phoneRaw: phone.raw,
    phoneE164: phone.e164,
    orderId: `${prefix}-order-${t}`,
    messageIds: [],
  };
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`customer export and erasure (${store})`, () => {
    let gw: TestGodwit;
    let n = 0;

    const send = async (type: string, body: Record<string, unknown>, c: Customer) => {
      const messageId = `${c.userId}-msg-${++n}`;
      c.messageIds.push(messageId);
      const response = await fetch(`${gw.url}/v1/${type}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${gw.writeKey}:`).toString('base64')}`,
        },
        body: JSON.stringify({ messageId, ...body }),
      });
      assert.equal(response.status, 200, await response.text());
    };
    const admin = async (method: string, path: string) => {
      const response = await fetch(`${gw.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${gw.secretKey}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };

    /** page and track as two anonymous visitors, identify, alias the second, then identify a third by email. */
    const feed = async (c: Customer) => {
      const [a1, a2, a3] = c.anon;
      await send('page', { anonymousId: a1, name: 'Home' }, c);
      await send('track', { anonymousId: a2, event: 'Viewed Pricing' }, c);
      await send('page', { anonymousId: a3, name: 'Docs' }, c);
      const traits = { email: c.emailRaw, phone: c.phoneRaw, country: 'US', name: 'Erin Example' };
      await send('identify', { userId: c.userId, anonymousId: a1, traits }, c);
      await send('alias', { userId: c.userId, previousId: a2 }, c);
      await send('identify', { anonymousId: a3, traits: { email: c.emailRaw } }, c);
      await send('track', { userId: c.userId, event: 'Order Completed', properties: { orderId: c.orderId } }, c);
    };
    const needlesOf = (c: Customer) => [
      c.userId,
      ...c.anon,
      c.emailRaw,
      c.emailRaw.toLowerCase(),
      c.phoneRaw,
      c.phoneE164,
      c.orderId,
      ...c.messageIds,
    ];

    before(async () => {
      gw = await startTestGodwit({ store });
    });
    after(async () => {
      await gw?.close();
    });

    it('exports everything about a customer, then erases every trace while others keep theirs', async () => {
      const erin = newCustomer('erin', { raw: '(415) 555-0132', e164: '+14155550132' });
      const kept = newCustomer('kept', { raw: '(212) 555-0199', e164: '+12125550199' });
      await feed(erin);
      await feed(kept);
      await gw.settle();

      const exported = await admin('GET', `/v1/customers/${encodeURIComponent(erin.emailRaw)}/export`);
      assert.equal(exported.status, 200, JSON.stringify(exported.body));
      const { profile, identities, events, audit } = exported.body;
      const customerId: string = profile.id;
      assert.equal(profile.traits.name, 'Erin Example');
      const ids = identities.map((i: { kind: string; value: string }) => `${i.kind}:${i.value}`).sort();
      assert.deepEqual(
        ids,
        [
          `user_id:${erin.userId}`,
          ...erin.anon.map((a) => `anonymous_id:${a}`),
          `email:${erin.emailRaw.toLowerCase()}`,
          `phone:${erin.phoneE164}`,
        ].sort(),
      );
      assert.deepEqual(events.map((e: { messageId: string }) => e.messageId).sort(), [...erin.messageIds].sort());
      const merges = audit.filter((a: { action: string }) => a.action === 'merge');
      assert.equal(merges.length, 2, JSON.stringify(audit));
      for (const m of merges) assert.equal(m.intoCustomerId, customerId);
      const mergedAway: string[] = merges.map((m: { fromCustomerId: string }) => m.fromCustomerId);

      const keptId = (await admin('GET', `/v1/customers/${kept.userId}`)).body.profile.id as string;
      const target = scanTargetOf(gw.godwit.config);
      const needles = [...needlesOf(erin), customerId, ...mergedAway];
      // The scan must see the data before erasure, or finding nothing afterwards would prove nothing.
      const seen = new Set((await findInAllTables(target, needles)).map((s) => s.needle));
      assert.deepEqual(
        needles.filter((x) => !seen.has(x)),
        [],
      );

      const deleted = await admin('DELETE', `/v1/customers/${customerId}`);
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
      assert.equal(deleted.body.deleted, customerId);

      const tables = (await readAllTables(target)).map((t) => t.table);
      for (const t of ['customers', 'identities', 'events', 'identity_audit']) assert.ok(tables.includes(t), t);
      const left = await findInAllTables(target, needles);
      assert.deepEqual(left, [], 'erased data is still stored');
      if (store === 'sqlite') {
        // Not only unreachable rows: the bytes are gone from the database file and its write-ahead log.
        const file = join(gw.dataDir, 'godwit.db');
        const bytes = Buffer.concat([
          readFileSync(file),
          existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0),
        ]);
        for (const value of [erin.emailRaw.toLowerCase(), erin.userId, erin.phoneE164]) {
          assert.equal(bytes.indexOf(value), -1, `${value} is still in the database files`);
        }
      }

      for (const id of [customerId, erin.userId, erin.emailRaw]) {
        const gone = await admin('GET', `/v1/customers/${encodeURIComponent(id)}`);
        assert.equal(gone.status, 404);
      }
      const keptView = await admin('GET', `/v1/customers/${kept.userId}`);
      assert.equal(keptView.status, 200);
      assert.equal(keptView.body.profile.id, keptId);
      assert.equal(keptView.body.timeline.events.length, kept.messageIds.length);
      const keptNeedles = [...needlesOf(kept), keptId];
      const keptSeen = new Set((await findInAllTables(target, keptNeedles)).map((s) => s.needle));
      assert.deepEqual(
        keptNeedles.filter((x) => !keptSeen.has(x)),
        [],
      );
    });

    it('answers 404 with a JSON error for an unknown customer', async () => {
      for (const [method, path] of [
        ['DELETE', '/v1/customers/no-such-customer'],
        ['GET', '/v1/customers/no-such-customer/export'],
      ] as const) {
        const { status, body } = await admin(method, path);
        assert.equal(status, 404);
        assert.equal(body.error.code, 'not_found');
        assert.match(body.error.message, /no-such-customer/);
      }
    });

    it('exports and deletes through the CLI on the same store', async () => {
      const cli = newCustomer('cli', { raw: '(303) 555-0147', e164: '+13035550147' });
      await feed(cli);
      await gw.settle();
      const env = { dataDir: gw.dataDir, databaseUrl: gw.godwit.config.DATABASE_URL };

      const exported = await runCli(['export', 'customer', cli.emailRaw], env);
      assert.equal(exported.code, 0, exported.stderr);
      const data = JSON.parse(exported.stdout);
      const customerId: string = data.profile.id;
      assert.ok(data.identities.some((i: { value: string }) => i.value === cli.userId));
      assert.deepEqual(data.events.map((e: { messageId: string }) => e.messageId).sort(), [...cli.messageIds].sort());

      const deleted = await runCli(['delete', 'customer', cli.userId], env);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.match(deleted.stderr, new RegExp(`deleted customer ${customerId}`));
      assert.equal((await admin('GET', `/v1/customers/${customerId}`)).status, 404);
      assert.deepEqual(await findInAllTables(scanTargetOf(gw.godwit.config), [...needlesOf(cli), customerId]), []);

      const again = await runCli(['delete', 'customer', cli.userId], env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /no customer/);
    });
  });
}
