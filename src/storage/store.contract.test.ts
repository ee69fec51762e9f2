import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addOutbox, outboxEntry } from '../delivery/test-delivery.ts';
import { customerTimeline } from '../profiles/customer-timeline.ts';
import { SEARCH_RECENT_FIRST } from './customer-search.ts';
import type {
  AuditRecord,
  IdentityKind,
  NewEvent,
  ProfileRecord,
  ResolutionChange,
  Store,
  StoredEvent,
} from './store.ts';
import { storeAdapters as adapters } from './test-store-adapters.ts';

let counter = 0;
/** A name no other case uses, so cases share one database without seeing each other's rows. */
const unique = (prefix: string): string => `${prefix}-${++counter}`;

function newEvent(workspaceId: string, messageId: string, fields: Partial<NewEvent> = {}): NewEvent {
  return {
    workspaceId,
    messageId,
    type: 'track',
    event: 'Viewed',
    userId: null,
    anonymousId: null,
    timestamp: 1_000,
    receivedAt: 2_000,
    payload: JSON.stringify({ messageId, note: 'quote " and \\ back' }),
    ...fields,
  };
}

function profile(workspaceId: string, id: string, traits: Record<string, unknown> = {}): ProfileRecord {
  const traitTimes = Object.fromEntries(Object.keys(traits).map((k) => [k, 1_000]));
  return { id, workspaceId, traits, traitTimes, consent: {}, timezone: null, locale: null, createdAt: 1, updatedAt: 1 };
}

function identity(workspaceId: string, customerId: string, kind: IdentityKind, value: string) {
  return { workspaceId, customerId, kind, value, createdAt: 1 };
}

function audit(workspaceId: string, from: string, into: string, action: AuditRecord['action'] = 'merge'): AuditRecord {
  const id = unique('audit');
  return { id, workspaceId, action, fromCustomerId: from, intoCustomerId: into, reason: 'test', createdAt: 1 };
}

/** A change on a fresh cursor whose lease this test holds. */
async function change(store: Store, parts: Partial<ResolutionChange>): Promise<ResolutionChange> {
  const empty = { upsertProfiles: [], merges: [], upsertIdentities: [], assignEvents: [], audit: [] };
  const name = unique('cursor');
  await store.acquireCursor({ name, owner: 'test', now: 1, leaseMs: 1e9 });
  return { ...empty, cursor: { name, position: 0, owner: 'test' }, ...parts };
}

/** Appends events (of one workspace) and returns their seq numbers by message id. */
async function append(store: Store, events: NewEvent[]): Promise<Map<string, number>> {
  const from = await store.lastEventSeq();
  await store.appendEvents(events);
  const stored = await store.readEventsAfter(from, 10_000);
  return new Map(stored.map((e) => [e.messageId, e.seq]));
}

/** Creates one customer with identities and events assigned to it. */
async function seedCustomer(
  store: Store,
  workspaceId: string,
  customerId: string,
  options: { traits?: Record<string, unknown>; identities?: [IdentityKind, string][]; events?: NewEvent[] } = {},
): Promise<void> {
  const seqs = await append(store, options.events ?? []);
  await store.applyResolution(
    await change(store, {
      upsertProfiles: [profile(workspaceId, customerId, options.traits)],
      upsertIdentities: (options.identities ?? []).map(([kind, value]) =>
        identity(workspaceId, customerId, kind, value),
      ),
      assignEvents: [...seqs.values()].map((seq) => ({ seq, customerId })),
    }),
  );
}

const ids = (records: { id: string }[]): string[] => records.map((r) => r.id).sort();
const messageIds = (events: StoredEvent[]): string[] => events.map((e) => e.messageId);

for (const adapter of adapters) {
  describe(`Store contract: ${adapter.name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;

    before(async () => {
      ({ store, dispose } = await adapter.open());
    });
    after(async () => {
      await store?.close();
      await dispose?.();
    });

    it('migrates idempotently', async () => {
      assert.deepEqual(await store.migrate(), []);
      assert.equal(await store.lastEventSeq(), 0);
    });

    it('stores workspaces, keys and users', async () => {
      const ws = unique('ws');
      await store.createWorkspace({ id: ws, name: 'Acme', createdAt: 5 });
      assert.deepEqual(
        (await store.listWorkspaces()).find((w) => w.id === ws),
        { id: ws, name: 'Acme', createdAt: 5 },
      );
      const key = { id: unique('key'), workspaceId: ws, kind: 'write' as const, label: null, createdAt: 6 };
      await store.insertKey({ ...key, keyHash: `hash-${key.id}` });
      assert.deepEqual(await store.findKeyByHash(`hash-${key.id}`), key);
      assert.equal(await store.findKeyByHash('no-such-hash'), undefined);
      const user = {
        id: 'user-1',
        workspaceId: ws,
        email: 'a@x.io',
        passwordHash: 'h',
        role: 'admin',
        locale: null,
        createdAt: 7,
      };
      await store.insertUser(user);
      assert.deepEqual(await store.findUser(ws, 'a@x.io'), user);
      assert.equal(await store.findUser(ws, 'b@x.io'), undefined);
    });

    it('dedupes appended events per workspace, across and within calls', async () => {
      const [a, b] = [unique('ws'), unique('ws')];
      assert.equal(await store.appendEvents([newEvent(a, 'm1'), newEvent(a, 'm2'), newEvent(a, 'm1')]), 2);
      assert.equal(await store.appendEvents([newEvent(a, 'm2'), newEvent(a, 'm3')]), 1);
      assert.equal(await store.appendEvents([newEvent(b, 'm1')]), 1);
      assert.equal(await store.appendEvents([]), 0);
      assert.equal(await store.countEvents(a), 3);
      assert.equal(await store.countEvents(b), 1);
      assert.equal(await store.hasEvent(b, 'm1'), true);
      assert.equal(await store.hasEvent(b, 'm2'), false);
    });

    it('reads events after a seq in order, with a limit', async () => {
      const ws = unique('ws');
      const start = await store.lastEventSeq();
      const sent = [0, 1, 2, 3, 4].map((i) => newEvent(ws, `m${i}`, { userId: `u${i}`, timestamp: 100 - i }));
      await store.appendEvents(sent);
      const first = await store.readEventsAfter(start, 3);
      assert.deepEqual(messageIds(first), ['m0', 'm1', 'm2']);
      const rest = await store.readEventsAfter((first[2] as { seq: number }).seq, 10);
      assert.deepEqual(messageIds(rest), ['m3', 'm4']);
      const all = [...first, ...rest];
      assert.ok(all.every((e, i) => i === 0 || e.seq > (all[i - 1] as { seq: number }).seq));
      assert.deepEqual(
        all.map(({ seq: _seq, customerId, ...e }) => ({ ...e, customerId })),
        sent.map((e) => ({ ...e, customerId: null })),
      );
      assert.equal(await store.lastEventSeq(), (all[4] as { seq: number }).seq);
    });

    it('applies a resolution: profiles, identities, events, merges, audit and cursor', async () => {
      const ws = unique('ws');
      const cursor = unique('cursor');
      assert.equal(await store.acquireCursor({ name: cursor, owner: 'p', now: 1, leaseMs: 1e9 }), 0);
      const seqs = await append(store, [
        newEvent(ws, 'e1', { userId: 'u1' }),
        newEvent(ws, 'e2', { anonymousId: 'a2' }),
        newEvent(ws, 'e3', { userId: 'u1' }),
      ]);
      const [e1, e2, e3] = ['e1', 'e2', 'e3'].map((m) => seqs.get(m) as number) as [number, number, number];
      const refused = audit(ws, 'c-x', 'c2', 'refused_merge');
      await store.applyResolution({
        upsertProfiles: [profile(ws, 'c1', { name: 'Ada' }), profile(ws, 'c2', { plan: 'pro' })],
        merges: [],
        upsertIdentities: [identity(ws, 'c1', 'user_id', 'u1'), identity(ws, 'c2', 'anonymous_id', 'a2')],
        assignEvents: [
          { seq: e1, customerId: 'c1' },
          { seq: e2, customerId: 'c2' },
        ],
        audit: [refused],
        cursor: { name: cursor, position: e2, owner: 'p' },
      });
      assert.deepEqual((await store.getProfile(ws, 'c2'))?.traits, { plan: 'pro' });
      assert.equal(await store.readCursor(cursor), e2);

      const merged = audit(ws, 'c2', 'c1');
      await store.applyResolution({
        upsertProfiles: [{ ...profile(ws, 'c1', { name: 'Ada', plan: 'pro' }), updatedAt: 9 }],
        merges: [{ workspaceId: ws, from: 'c2', into: 'c1' }],
        upsertIdentities: [identity(ws, 'c1', 'email', 'ada@x.io')],
        assignEvents: [{ seq: e3, customerId: 'c1' }],
        audit: [merged],
        cursor: { name: cursor, position: e3, owner: 'p' },
      });
      const c1 = await store.getProfile(ws, 'c1');
      assert.deepEqual(c1?.traits, { name: 'Ada', plan: 'pro' });
      assert.equal(c1?.updatedAt, 9);
      assert.equal(await store.getProfile(ws, 'c2'), undefined);
      assert.deepEqual((await store.identitiesOf(ws, 'c1')).map((i) => `${i.kind}:${i.value}:${i.customerId}`).sort(), [
        'anonymous_id:a2:c1',
        'email:ada@x.io:c1',
        'user_id:u1:c1',
      ]);
      assert.deepEqual(await store.identitiesOf(ws, 'c2'), []);
      const page = await store.timeline({ workspaceId: ws, customerId: 'c1', limit: 10 });
      assert.deepEqual(page.events.map((e) => e.seq).sort(), [e1, e2, e3]);
      assert.ok(page.events.every((e) => e.customerId === 'c1'));
      const exported = await store.exportCustomer(ws, 'c1');
      assert.deepEqual(exported?.audit.map((a) => a.id).sort(), [merged.id, refused.id].sort());
      assert.equal(exported?.audit.find((a) => a.id === refused.id)?.intoCustomerId, 'c1');
      assert.equal(await store.readCursor(cursor), e3);
      assert.equal(await store.acquireCursor({ name: cursor, owner: 'p', now: 2, leaseMs: 1e9 }), e3);
    });

    it('pages the timeline newest first, each event exactly once', async () => {
      const ws = unique('ws');
      const times = [50, 10, 30, 30, 30, 20, 40];
      const events = times.map((timestamp, i) => newEvent(ws, `t${i}`, { timestamp }));
      await seedCustomer(store, ws, 'c-other', { events: [newEvent(ws, 'other', { timestamp: 35 })] });
      await seedCustomer(store, ws, 'c-time', { events });
      const seen: string[] = [];
      let before: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await store.timeline({ workspaceId: ws, customerId: 'c-time', limit: 3, before });
        seen.push(...messageIds(page.events));
        if (page.next === null) break;
        assert.equal(page.events.length, 3);
        before = page.next;
      }
      // Equal timestamps come newest-appended first.
      assert.deepEqual(seen, ['t0', 't6', 't4', 't3', 't2', 't5', 't1']);
    });

    it('merges messages into the customer timeline, each entry once across pages, newest first', async () => {
      const ws = unique('ws');
      const events = [30, 10, 30, 20].map((timestamp, i) => newEvent(ws, `e${i}`, { timestamp }));
      await seedCustomer(store, ws, 'c-merge', { events });
      await seedCustomer(store, ws, 'c-else', { events: [newEvent(ws, 'else', { timestamp: 25 })] });
      const messages = [
        outboxEntry('m-b', { workspaceId: ws, customerId: 'c-merge', createdAt: 30, updatedAt: 30 }),
        outboxEntry('m-a', { workspaceId: ws, customerId: 'c-merge', createdAt: 30, updatedAt: 30 }),
        outboxEntry('m-c', { workspaceId: ws, customerId: 'c-merge', createdAt: 15, updatedAt: 15 }),
        outboxEntry('m-x', { workspaceId: ws, customerId: 'c-else', createdAt: 15, updatedAt: 15 }),
      ];
      await addOutbox(store, messages);
      for (const limit of [1, 2, 3, 100]) {
        const seen: string[] = [];
        let before: string | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = await customerTimeline(store, { workspaceId: ws, customerId: 'c-merge', limit, before });
          seen.push(...page.entries.map((e) => (e.source === 'event' ? e.event.messageId : e.message.idempotencyKey)));
          if (page.next === null) break;
          before = page.next;
        }
        // At one instant events come first (newest appended first), then messages by key.
        assert.deepEqual(seen, ['e2', 'e0', 'm-a', 'm-b', 'e3', 'm-c', 'e1'], `pages of ${limit}`);
      }
      await assert.rejects(
        customerTimeline(store, { workspaceId: ws, customerId: 'c-merge', limit: 5, before: 'garbage' }),
        /not a cursor this list gave out/,
      );
    });

    it('searches customers by identity, trait substring and trait value, per workspace', async () => {
      const [a, b] = [unique('ws'), unique('ws')];
      const ada = { name: 'Ada Lovelace', plan: 'pro', age: 42, vip: true };
      await seedCustomer(store, a, `${a}-ada`, { traits: ada, identities: [['email', 'ada@x.io']] });
      await seedCustomer(store, a, `${a}-grace`, {
        traits: { name: 'Grace Hopper', age: 7 },
        identities: [['user_id', 'g1']],
      });
      await seedCustomer(store, b, `${b}-ada`, { traits: ada, identities: [['email', 'ada@x.io']] });
      const search = (workspaceId: string, rest: { query?: string; trait?: { name: string; value: string } }) =>
        store.searchCustomers({ workspaceId, limit: 10, ...rest }).then(ids);

      assert.deepEqual(await search(a, { query: 'ada@x.io' }), [`${a}-ada`]);
      assert.deepEqual(await search(a, { query: 'g1' }), [`${a}-grace`]);
      assert.deepEqual(await search(a, { query: 'lovel' }), [`${a}-ada`]);
      assert.deepEqual(await search(a, { query: 'HOPPER' }), [`${a}-grace`]);
      assert.deepEqual(await search(a, { query: 'name' }), [], 'trait names are not trait values');
      assert.deepEqual(await search(a, { trait: { name: 'plan', value: 'pro' } }), [`${a}-ada`]);
      assert.deepEqual(await search(a, { trait: { name: 'age', value: '42' } }), [`${a}-ada`]);
      assert.deepEqual(await search(a, { trait: { name: 'vip', value: 'true' } }), [`${a}-ada`]);
      assert.deepEqual(await search(a, { trait: { name: 'age', value: '4' } }), []);
      assert.deepEqual(await search(a, {}), [`${a}-ada`, `${a}-grace`]);
      assert.equal((await store.searchCustomers({ workspaceId: a, limit: 1 })).length, 1);
      assert.deepEqual(await search(b, { query: 'ada@x.io' }), [`${b}-ada`]);
      assert.deepEqual(await search(b, { trait: { name: 'age', value: '42' } }), [`${b}-ada`]);
      assert.deepEqual(await search(b, { query: 'grace' }), []);
      assert.deepEqual(await search(b, { query: 'g1' }), []);
      assert.equal(await store.countCustomers(a), 2);

      // An exact identifier wins over trait values holding the same text.
      await seedCustomer(store, a, `${a}-ref`, { traits: { referrer: 'ADA@x.io', motto: 'say "hi"\\o/' } });
      assert.deepEqual(await search(a, { query: 'ada@x.io' }), [`${a}-ada`]);
      assert.deepEqual(await search(a, { query: 'ada@x' }), [`${a}-ref`], 'no exact match: trait values');
      // Text that JSON escapes is still found in trait values.
      assert.deepEqual(await search(a, { query: 'SAY "HI"\\' }), [`${a}-ref`]);
      assert.deepEqual(await search(a, { trait: { name: 'motto', value: 'say "hi"\\o/' } }), [`${a}-ref`]);
      // And values each database writes otherwise than the raw JSON (1e21, [1,2]) are found as it writes them.
      await seedCustomer(store, a, `${a}-num`, { traits: { big: 1e21, tags: [1, 2] } });
      const written =
        adapter.name === 'postgres' ? ['1000000000000000000000', '[1, 2]', '1, 2'] : ['1.0e+21', '[1,2]', '1,2'];
      const [big, tags, within] = written as [string, string, string];
      assert.deepEqual(await search(a, { query: big }), [`${a}-num`]);
      assert.deepEqual(await search(a, { query: within }), [`${a}-num`]);
      assert.deepEqual(await search(a, { trait: { name: 'big', value: big } }), [`${a}-num`]);
      assert.deepEqual(await search(a, { trait: { name: 'tags', value: tags } }), [`${a}-num`]);
    });

    it('finds values past the newest profiles it reads first, and never stops short of a page', async () => {
      const ws = unique('ws');
      // Oldest first: two needles, then hay in the middle, then a wall of newer profiles, the newest hay.
      const traits = (i: number) =>
        i < 2 ? { word: 'needle', school: 'ÉCOLE' } : i === 2 || i === SEARCH_RECENT_FIRST + 2 ? { word: 'hay' } : {};
      const profiles = Array.from({ length: SEARCH_RECENT_FIRST + 3 }, (_, i) => ({
        ...profile(ws, `${ws}-${String(i).padStart(6, '0')}`, traits(i)),
        createdAt: i,
      }));
      await store.applyResolution(await change(store, { upsertProfiles: profiles }));
      const search = (rest: { query?: string; trait?: { name: string; value: string } }, limit = 2) =>
        store.searchCustomers({ workspaceId: ws, limit, ...rest }).then((found) => found.map((p) => p.id));
      const id = (i: number) => `${ws}-${String(i).padStart(6, '0')}`;
      assert.deepEqual(await search({ query: 'needle' }), [id(1), id(0)]);
      assert.deepEqual(await search({ query: 'hay' }), [id(SEARCH_RECENT_FIRST + 2), id(2)]);
      assert.deepEqual(await search({ query: 'hay' }, 1), [id(SEARCH_RECENT_FIRST + 2)]);
      assert.deepEqual(await search({ trait: { name: 'word', value: 'needle' } }), [id(1), id(0)]);
      assert.deepEqual(await search({ trait: { name: 'word', value: 'NEEDLE' } }), [], 'trait values match exactly');
      // Paging one at a time: each page's window starts after the cursor, in both steps.
      for (const [query, expected] of [
        ['hay', [id(SEARCH_RECENT_FIRST + 2), id(2)]],
        ['needle', [id(1), id(0)]],
      ] as const) {
        const seen: string[] = [];
        let before: { at: number; afterId: string } | undefined;
        for (let pages = 0; pages < 5; pages++) {
          const [next] = await store.searchCustomers({ workspaceId: ws, query, limit: 1, before });
          if (!next) break;
          seen.push(next.id);
          before = { at: next.createdAt, afterId: next.id };
        }
        assert.deepEqual(seen, expected, `pages of ${query}`);
      }
      // SQLite's lower() folds ASCII only: a value outside it is still found as written.
      assert.deepEqual(await search({ trait: { name: 'school', value: 'ÉCOLE' } }, 1), [id(1)]);
      assert.deepEqual(await search({ query: 'école' }, 1), [id(1)], 'lower-cased beyond ASCII');
      assert.deepEqual(await search({ query: 'ÉCOLE' }, 1), [id(1)]);
    });

    it('pages customers newest first, ids ascending at one instant, with or without a search', async () => {
      const ws = unique('ws');
      const times = [3, 1, 3, 2, 3, 1];
      const profiles = times.map((createdAt, i) => ({
        ...profile(ws, `${ws}-${i}`, { plan: i % 2 ? 'pro' : 'free' }),
        createdAt,
      }));
      await store.applyResolution(await change(store, { upsertProfiles: profiles }));
      for (const query of [undefined, 'pro']) {
        const expected = profiles
          .filter((p) => !query || p.traits.plan === query)
          .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1))
          .map((p) => p.id);
        const seen: string[] = [];
        let before: { at: number; afterId: string } | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await store.searchCustomers({ workspaceId: ws, query, limit: 2, before });
          const last = page.at(-1);
          if (!last) break;
          seen.push(...page.map((p) => p.id));
          before = { at: last.createdAt, afterId: last.id };
        }
        assert.deepEqual(seen, expected, `search ${query ?? 'none'}`);
      }
    });

    it('sets consent and exports a customer', async () => {
      const ws = unique('ws');
      await seedCustomer(store, ws, 'c-consent', {
        identities: [['phone', '+15550001']],
        events: [newEvent(ws, 'late', { timestamp: 20 }), newEvent(ws, 'early', { timestamp: 10 })],
      });
      const consent = { sms: { marketing: { status: 'denied' as const, at: 3, source: 'STOP' } } };
      await store.setConsent(ws, 'c-consent', consent);
      const exported = await store.exportCustomer(ws, 'c-consent');
      assert.deepEqual(exported?.profile.consent, consent);
      assert.deepEqual(exported?.identities, [{ kind: 'phone', value: '+15550001', customerId: 'c-consent' }]);
      assert.deepEqual(messageIds(exported?.events ?? []), ['early', 'late']);
      assert.equal(await store.exportCustomer(ws, 'nobody'), undefined);
      assert.equal(await store.exportCustomer(unique('ws'), 'c-consent'), undefined);
    });

    it('deletes a customer and every row holding their data', async () => {
      const [ws, other] = [unique('ws'), unique('ws')];
      await store.appendEvents([
        newEvent(ws, 'stranger', { userId: 'x' }),
        newEvent(other, 'same-id', { userId: 'u-del' }),
      ]);
      await seedCustomer(store, ws, 'c-keep', { events: [newEvent(ws, 'kept')] });
      await store.applyResolution(await change(store, { audit: [audit(ws, 'c-del', 'c-keep', 'refused_merge')] }));
      await seedCustomer(store, ws, 'c-del', {
        identities: [
          ['user_id', 'u-del'],
          ['anonymous_id', 'a-del'],
        ],
        events: [newEvent(ws, 'own')],
      });
      await store.appendEvents([
        newEvent(ws, 'by-user', { userId: 'u-del' }),
        newEvent(ws, 'by-anon', { anonymousId: 'a-del' }),
      ]);
      const last = await store.lastEventSeq();

      assert.equal(await store.deleteCustomer(ws, 'c-del'), true);
      assert.equal(await store.getProfile(ws, 'c-del'), undefined);
      assert.deepEqual(await store.identitiesOf(ws, 'c-del'), []);
      for (const gone of ['own', 'by-user', 'by-anon']) assert.equal(await store.hasEvent(ws, gone), false, gone);
      for (const kept of ['stranger', 'kept']) assert.equal(await store.hasEvent(ws, kept), true, kept);
      assert.equal(await store.hasEvent(other, 'same-id'), true);
      assert.deepEqual((await store.exportCustomer(ws, 'c-keep'))?.audit, []);
      assert.equal(await store.deleteCustomer(ws, 'c-del'), false);
      assert.equal(await store.deleteCustomer(ws, 'nobody'), false);

      // A deleted tail must not free its seq numbers: readers resume after the last seq they saw.
      await store.appendEvents([newEvent(ws, 'after-delete')]);
      assert.ok((await store.lastEventSeq()) > last, 'seq numbers are never reused');
    });

    it('leases cursors to one owner at a time', async () => {
      const name = unique('cursor');
      const lease = (owner: string, now: number) => store.acquireCursor({ name, owner, now, leaseMs: 100 });
      assert.equal(await lease('a', 1_000), 0);
      assert.equal(await lease('b', 1_050), undefined);
      assert.equal(await lease('a', 1_050), 0, 'the owner renews its lease once half of it has passed');
      assert.equal(await lease('a', 1_060), 0, 'and holds it meanwhile without renewing it again');
      assert.equal(await lease('b', 1_140), undefined);
      assert.equal(await lease('b', 1_151), 0, 'an expired lease is taken over (1,060 did not move its end)');
      assert.equal(await lease('a', 1_152), undefined);
      await store.releaseCursor(name, 'a');
      assert.equal(await lease('a', 1_153), undefined, 'only the owner can release');
      await store.releaseCursor(name, 'b');
      assert.equal(await lease('a', 1_154), 0);
      assert.equal(await store.readCursor(name), 0);

      const ws = unique('ws-lease');
      const stale = await change(store, { upsertProfiles: [profile(ws, 'c-stale')] });
      // Another process takes the change's cursor after the lease expires; the old owner's write is refused.
      await store.acquireCursor({ name: stale.cursor.name, owner: 'other', now: 2e9, leaseMs: 100 });
      await assert.rejects(store.applyResolution(stale), /lease/);
      assert.equal(await store.getProfile(ws, 'c-stale'), undefined, 'nothing was written');
    });
  });
}
