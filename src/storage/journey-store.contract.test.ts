import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defineJourney } from '../journeys/test-journeys.ts';
import { newId } from '../shared/ids.ts';
import type {
  JourneyChange,
  JourneyRecord,
  JourneyStatus,
  NodeCount,
  OutboxRecord,
  RunRecord,
  TimerRecord,
  TriggerTimerRecord,
} from './journey-store.ts';
import { LeaseLostError } from './lease-lost-error.ts';
import type { NewEvent, Store } from './store.ts';
import { storeAdapters as adapters } from './test-store-adapters.ts';

let counter = 0;
/** A name no other case uses, so cases share one database without seeing each other's rows. */
const unique = (prefix: string): string => `${prefix}-${++counter}`;

/** Timers other than the due-order case's are due far later, so `dueTimers` there sees only its own. */
const LATER = 5e12;

const nodes = { first: { type: 'wait', duration: '1d', next: 'done' }, done: { type: 'exit' } };

function journey(workspaceId: string, id: string, fields: Partial<JourneyRecord> = {}): JourneyRecord {
  return { workspaceId, id, name: id, status: 'draft', latestVersion: 1, createdAt: 1, updatedAt: 1, ...fields };
}

function version(workspaceId: string, journeyId: string, n: number) {
  const definition = { ...defineJourney({ id: journeyId, nodes }), version: n };
  return { workspaceId, journeyId, version: n, definition, createdAt: n };
}

function run(
  workspaceId: string,
  fields: { runId?: string; journeyId?: string; customerId?: string; waitingAt?: string; version?: number } = {},
): RunRecord {
  const runId = fields.runId ?? newId();
  const waiting = fields.waitingAt
    ? { kind: 'timer' as const, nodeId: fields.waitingAt, visit: 1, timerId: `${runId}:t`, dueAt: LATER }
    : null;
  return {
    workspaceId,
    state: {
      runId,
      journeyId: fields.journeyId ?? 'j',
      version: fields.version ?? 1,
      customerId: fields.customerId ?? 'c1',
      status: waiting ? 'waiting' : 'finished',
      outcome: waiting ? null : 'completed',
      startedAt: 10,
      updatedAt: 20,
      timezone: 'UTC',
      traits: { plan: 'pro' },
      trigger: { event: 'Go', properties: { n: 1 }, timestamp: 5 },
      lastEvent: null,
      visits: { first: 1 },
      splits: {},
      waiting,
    },
    path: [{ at: 10, nodeId: 'first', kind: 'wait' }],
  };
}

function timer(workspaceId: string, runId: string, dueAt: number, timerId = unique('timer')): TimerRecord {
  return { timerId, workspaceId, runId, customerId: 'c1', dueAt };
}

function outbox(workspaceId: string, key: string, fields: Partial<OutboxRecord> = {}): OutboxRecord {
  return {
    workspaceId,
    idempotencyKey: key,
    customerId: 'c1',
    runId: 'r1',
    journeyId: 'j',
    nodeId: 'send',
    kind: 'message',
    channel: 'email',
    status: 'pending',
    payload: { template: 'hello', key },
    messageClass: null,
    nextAttemptAt: 0,
    createdAt: 1,
    updatedAt: 1,
    ...fields,
  };
}

function count(workspaceId: string, journeyId: string, nodeId: string, n: number, branch = ''): NodeCount {
  return { workspaceId, journeyId, version: 1, nodeId, kind: 'entered', branch, count: n };
}

function event(workspaceId: string, messageId: string): NewEvent {
  const payload = JSON.stringify({ messageId, type: 'identify' });
  return {
    workspaceId,
    messageId,
    type: 'identify',
    event: null,
    userId: 'u1',
    anonymousId: null,
    timestamp: 1,
    receivedAt: 1,
    payload,
  };
}

const change = (parts: Partial<JourneyChange>): JourneyChange => ({
  runs: [],
  addTimers: [],
  deleteTimers: [],
  outbox: [],
  events: [],
  counts: [],
  ...parts,
});

const runIds = (runs: { runId: string }[]) => runs.map((r) => r.runId);

for (const adapter of adapters) {
  describe(`JourneyStore contract: ${adapter.name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;

    before(async () => {
      ({ store, dispose } = await adapter.open());
    });
    after(async () => {
      await store?.close();
      await dispose?.();
    });

    it('saves journeys and versions; a version saved again is replaced', async () => {
      const ws = unique('ws');
      const j = store.journeys;
      await j.saveJourney(journey(ws, 'b'), version(ws, 'b', 1));
      await j.saveJourney(journey(ws, 'a', { name: 'A', createdAt: 3 }), version(ws, 'a', 1));
      assert.deepEqual(await j.getJourney(ws, 'a'), journey(ws, 'a', { name: 'A', createdAt: 3 }));
      assert.equal(await j.getJourney(ws, 'nope'), undefined);
      assert.equal(await j.getJourney(unique('ws'), 'a'), undefined);

      const renamed = journey(ws, 'a', { name: 'A2', status: 'live', latestVersion: 2, updatedAt: 9 });
      await j.saveJourney(renamed, version(ws, 'a', 2));
      assert.deepEqual(await j.getJourney(ws, 'a'), { ...renamed, createdAt: 3 }, 'created time is kept');
      assert.deepEqual(
        (await j.listJourneys(ws)).map((r) => r.id),
        ['a', 'b'],
      );
      assert.deepEqual(
        (await j.listVersions(ws, 'a')).map((v) => v.version),
        [1, 2],
      );
      assert.deepEqual(await j.getVersion(ws, 'a', 2), version(ws, 'a', 2));
      assert.equal(await j.getVersion(ws, 'a', 3), undefined);

      const edited = version(ws, 'b', 1);
      const replaced = { ...edited, definition: { ...edited.definition, name: 'Edited' } };
      await j.saveJourney(journey(ws, 'b', { updatedAt: 5 }), replaced);
      assert.equal((await j.getVersion(ws, 'b', 1))?.definition.name, 'Edited');
      assert.equal((await j.listVersions(ws, 'b')).length, 1);
      await j.saveJourney(journey(ws, 'b', { status: 'paused', updatedAt: 6 }));
      assert.equal((await j.getJourney(ws, 'b'))?.status, 'paused', 'saved without a version');
      assert.equal((await j.getVersion(ws, 'b', 1))?.definition.name, 'Edited');
    });

    it('lists only the latest version of live journeys', async () => {
      const ws = unique('ws');
      const j = store.journeys;
      const save = async (id: string, status: JourneyStatus, versions: number) => {
        for (let n = 1; n <= versions; n++) {
          await j.saveJourney(journey(ws, id, { status, latestVersion: n }), version(ws, id, n));
        }
      };
      await save('live-one', 'live', 1);
      await save('live-three', 'live', 3);
      await save('draft', 'draft', 1);
      await save('paused', 'paused', 2);
      await save('archived', 'archived', 1);
      const live = (await j.liveVersions()).filter((v) => v.workspaceId === ws);
      assert.deepEqual(live.map((v) => `${v.journeyId}@${v.version}`).sort(), ['live-one@1', 'live-three@3']);
      assert.equal(live.find((v) => v.journeyId === 'live-three')?.definition.version, 3);
    });

    it('reads runs by customer, by id and in pages', async () => {
      const [ws, other] = [unique('ws'), unique('ws')];
      const waiting = run(ws, { customerId: 'c1', waitingAt: 'first' });
      const finished = run(ws, { customerId: 'c1', journeyId: 'k' });
      const bob = run(ws, { customerId: 'c2', waitingAt: 'first' });
      const elsewhere = run(other, { customerId: 'c1', waitingAt: 'first' });
      await store.journeys.applyJourneyChange(change({ runs: [waiting, finished, bob, elsewhere] }));

      const summaries = await store.journeys.runSummaries(ws, ['c1', 'c1', 'nobody']);
      assert.deepEqual(runIds(summaries).sort(), [waiting.state.runId, finished.state.runId].sort());
      const summary = summaries.find((s) => s.runId === waiting.state.runId);
      assert.deepEqual(summary, {
        runId: waiting.state.runId,
        workspaceId: ws,
        journeyId: 'j',
        version: 1,
        customerId: 'c1',
        status: 'waiting',
        outcome: null,
        nodeId: 'first',
        startedAt: 10,
        updatedAt: 20,
      });
      assert.equal(summaries.find((s) => s.runId === finished.state.runId)?.outcome, 'completed');
      assert.deepEqual(await store.journeys.runSummaries(ws, []), []);

      const parked = await store.journeys.waitingRuns(ws, ['c1', 'c2']);
      assert.deepEqual(parked.map((r) => r.state.runId).sort(), [waiting.state.runId, bob.state.runId].sort());
      assert.deepEqual(
        parked.find((r) => r.state.runId === waiting.state.runId),
        waiting,
      );
      const got = await store.journeys.getRuns([finished.state.runId, elsewhere.state.runId, 'nope']);
      assert.deepEqual(got.map((r) => r.state.runId).sort(), [finished.state.runId, elsewhere.state.runId].sort());
      assert.equal(got.find((r) => r.state.runId === elsewhere.state.runId)?.workspaceId, other);
    });

    it('lists runs newest first with filters, paging by `before`', async () => {
      const ws = unique('ws');
      const runs = Array.from({ length: 5 }, (_, i) =>
        run(ws, { journeyId: i < 4 ? 'paged' : 'other', customerId: i % 2 === 0 ? 'even' : 'odd' }),
      );
      await store.journeys.applyJourneyChange(change({ runs }));
      const ids = runs.map((r) => r.state.runId);
      const page = (before?: string) =>
        store.journeys.listRuns({ workspaceId: ws, journeyId: 'paged', limit: 3, before });
      const first = await page();
      assert.deepEqual(runIds(first), [ids[3], ids[2], ids[1]]);
      assert.deepEqual(runIds(await page(first[2]?.runId)), [ids[0]]);
      const odd = await store.journeys.listRuns({ workspaceId: ws, customerId: 'odd', limit: 10 });
      assert.deepEqual(runIds(odd), [ids[3], ids[1]]);
      const all = await store.journeys.listRuns({ workspaceId: ws, status: 'finished', limit: 10 });
      assert.equal(all.length, 5);
      assert.deepEqual(await store.journeys.listRuns({ workspaceId: ws, status: 'waiting', limit: 10 }), []);
    });

    it('returns due timers earliest first, up to the limit', async () => {
      const ws = unique('ws');
      const timers = [30, 10, 40, 20].map((dueAt) => timer(ws, 'r', dueAt, `due-${dueAt}`));
      const before = await store.journeys.countTimers();
      await store.journeys.applyJourneyChange(change({ addTimers: timers }));
      assert.equal(await store.journeys.countTimers(), before + 4);
      const ids = (list: TimerRecord[]) => list.map((t) => t.timerId);
      assert.deepEqual(ids(await store.journeys.dueTimers(30, 10)), ['due-10', 'due-20', 'due-30']);
      assert.deepEqual(ids(await store.journeys.dueTimers(100, 2)), ['due-10', 'due-20']);
      assert.deepEqual(await store.journeys.dueTimers(9, 10), []);
      assert.deepEqual((await store.journeys.dueTimers(10, 1))[0], timer(ws, 'r', 10, 'due-10'));
      await store.journeys.applyJourneyChange(change({ deleteTimers: ['due-10', 'due-20', 'due-30', 'due-40'] }));
      assert.deepEqual(await store.journeys.dueTimers(100, 10), []);
    });

    it('postpones a timer that is there and creates none that is not', async () => {
      const ws = unique('ws');
      await store.journeys.applyJourneyChange(change({ addTimers: [timer(ws, 'r', 50, 'late-1')] }));
      await store.journeys.applyJourneyChange(
        change({
          postponeTimers: [
            { timerId: 'late-1', dueAt: 90 },
            { timerId: 'gone-1', dueAt: 90 },
          ],
        }),
      );
      assert.deepEqual(await store.journeys.dueTimers(89, 10), []);
      assert.deepEqual(await store.journeys.dueTimers(90, 10), [timer(ws, 'r', 90, 'late-1')]);
      await store.journeys.applyJourneyChange(change({ deleteTimers: ['late-1'] }));
    });

    it('applies a change: runs replaced whole, timers added and deleted, outbox and events once', async () => {
      const ws = unique('ws');
      const j = store.journeys;
      const first = run(ws, { waitingAt: 'first' });
      const [t1, t2] = [timer(ws, first.state.runId, LATER), timer(ws, first.state.runId, LATER + 1)];
      await j.applyJourneyChange(
        change({
          runs: [first],
          addTimers: [t1, t2, t1],
          outbox: [outbox(ws, 'k1'), outbox(ws, 'k1', { payload: { second: true } })],
          events: [event(ws, 'e1'), event(ws, 'e1')],
          counts: [count(ws, 'j', 'first', 1), count(ws, 'j', 'first', 2)],
        }),
      );
      assert.equal(await j.countOutbox(ws), 1);
      assert.deepEqual((await j.listOutbox({ workspaceId: ws, limit: 10 }))[0], outbox(ws, 'k1'));
      assert.equal(await store.countEvents(ws), 1);
      assert.deepEqual(await j.nodeCounts(ws, 'j'), [count(ws, 'j', 'first', 3)]);

      const finished = run(ws, { runId: first.state.runId, journeyId: 'j' });
      await j.applyJourneyChange(
        change({
          runs: [finished],
          deleteTimers: [t1.timerId, t2.timerId],
          outbox: [outbox(ws, 'k1', { status: 'changed' }), outbox(ws, 'k2')],
          events: [event(ws, 'e1'), event(ws, 'e2')],
          counts: [count(ws, 'j', 'first', 4), count(ws, 'j', 'done', 1)],
        }),
      );
      assert.deepEqual(await j.getRuns([first.state.runId]), [finished]);
      assert.deepEqual(
        (await j.dueTimers(LATER + 10, 10_000)).filter((t) => t.workspaceId === ws),
        [],
      );
      const stored = await j.listOutbox({ workspaceId: ws, limit: 10 });
      assert.deepEqual(stored.map((o) => `${o.idempotencyKey}:${o.status}`).sort(), ['k1:pending', 'k2:pending']);
      assert.equal(await store.countEvents(ws), 2);
      assert.deepEqual(
        (await j.nodeCounts(ws, 'j')).map((c) => `${c.nodeId}=${c.count}`),
        ['done=1', 'first=7'],
      );
    });

    it('takes the last copy of a run stepped twice in one change', async () => {
      const ws = unique('ws');
      const waiting = run(ws, { waitingAt: 'first' });
      const finished = run(ws, { runId: waiting.state.runId });
      await store.journeys.applyJourneyChange(change({ runs: [waiting, finished] }));
      assert.deepEqual(await store.journeys.getRuns([waiting.state.runId]), [finished]);
    });

    it('leaves a timer deleted when one change adds and deletes it', async () => {
      const ws = unique('ws');
      const t = timer(ws, 'r', LATER);
      await store.journeys.applyJourneyChange(change({ addTimers: [t], deleteTimers: [t.timerId] }));
      const left = (await store.journeys.dueTimers(LATER, 10_000)).filter((x) => x.workspaceId === ws);
      assert.deepEqual(left, []);
    });

    it('replaces trigger timers per journey and customer, keeps the journey row apart and drops a journey whole', async () => {
      const ws = unique('ws');
      const j = store.journeys;
      const trigger = (journeyId: string, customerId: string | null, dueAt: number | null): TriggerTimerRecord => ({
        workspaceId: ws,
        journeyId,
        customerId,
        kind: customerId === null ? 'backfill' : 'date',
        plan: 'p',
        dueAt,
        since: null,
        after: '',
      });
      const set = (t: TriggerTimerRecord) => ({
        workspaceId: ws,
        journeyId: t.journeyId,
        customerId: t.customerId,
        timer: t,
      });
      await j.applyJourneyChange(
        change({
          triggerTimers: [
            set(trigger('a', 'c1', LATER + 3)),
            set(trigger('a', 'c2', LATER + 2)),
            set(trigger('a', null, LATER + 1)),
            set(trigger('b', 'c1', LATER + 4)),
          ],
        }),
      );
      await j.applyJourneyChange(
        change({
          triggerTimers: [
            set(trigger('a', 'c1', LATER + 5)),
            set(trigger('a', 'c1', LATER + 6)),
            { workspaceId: ws, journeyId: 'a', customerId: 'c2', timer: null },
          ],
        }),
      );
      const a = await j.listTriggerTimers(ws, 'a');
      assert.deepEqual(
        a.map((t) => [t.customerId, t.dueAt]).sort((x, y) => Number(x[1]) - Number(y[1])),
        [
          [null, LATER + 1],
          ['c1', LATER + 6],
        ],
      );
      assert.deepEqual(
        (await j.triggerPlans()).filter((t) => t.workspaceId === ws),
        [trigger('a', null, LATER + 1)],
      );
      const due = (await j.dueTriggerTimers(LATER + 6, 1000)).filter((t) => t.workspaceId === ws);
      assert.deepEqual(
        due.map((t) => t.dueAt),
        [LATER + 1, LATER + 4, LATER + 6],
      );
      await j.applyJourneyChange(change({ dropTriggers: [{ workspaceId: ws, journeyId: 'a' }] }));
      assert.deepEqual(await j.listTriggerTimers(ws, 'a'), []);
      assert.equal((await j.listTriggerTimers(ws, 'b')).length, 1);
    });

    it('counts per branch and per version separately', async () => {
      const ws = unique('ws');
      await store.journeys.applyJourneyChange(
        change({
          counts: [
            count(ws, 'split', 'ab', 2, 'a'),
            count(ws, 'split', 'ab', 3, 'b'),
            { ...count(ws, 'split', 'ab', 5, 'a'), version: 2 },
            count(ws, 'other', 'ab', 7, 'a'),
          ],
        }),
      );
      const counts = await store.journeys.nodeCounts(ws, 'split');
      assert.deepEqual(
        counts.map((c) => `v${c.version}:${c.nodeId}:${c.branch}=${c.count}`),
        ['v1:ab:a=2', 'v1:ab:b=3', 'v2:ab:a=5'],
      );
      assert.deepEqual(await store.journeys.nodeCounts(ws, 'nope'), []);
    });

    it('writes nothing of a change whose cursor lease was lost', async () => {
      const ws = unique('ws');
      const name = unique('cursor');
      assert.equal(await store.acquireCursor({ name, owner: 'me', now: 1, leaseMs: 100 }), 0);
      await store.journeys.applyJourneyChange(change({ cursor: { name, position: 5, owner: 'me' } }));
      assert.equal(await store.readCursor(name), 5);

      await store.acquireCursor({ name, owner: 'other', now: 1_000, leaseMs: 100 });
      const lost = run(ws, { waitingAt: 'first' });
      const timersBefore = await store.journeys.countTimers();
      await assert.rejects(
        store.journeys.applyJourneyChange(
          change({
            runs: [lost],
            addTimers: [timer(ws, lost.state.runId, LATER)],
            outbox: [outbox(ws, 'lost')],
            events: [event(ws, 'lost')],
            counts: [count(ws, 'j', 'first', 1)],
            cursor: { name, position: 9, owner: 'me' },
          }),
        ),
        LeaseLostError,
      );
      assert.equal(await store.readCursor(name), 5);
      assert.deepEqual(await store.journeys.getRuns([lost.state.runId]), []);
      assert.equal(await store.journeys.countTimers(), timersBefore);
      assert.equal(await store.journeys.countOutbox(ws), 0);
      assert.equal(await store.countEvents(ws), 0);
      assert.deepEqual(await store.journeys.nodeCounts(ws, 'j'), []);
    });

    it("names the events and traits among a workspace's newest data", async () => {
      const [ws, other] = [unique('ws'), unique('ws')];
      const track = (workspaceId: string, name: string) => ({
        ...event(workspaceId, unique('m')),
        type: 'track',
        event: name,
      });
      await store.appendEvents([track(ws, 'Old'), track(ws, 'Signed Up'), track(ws, 'Bought'), track(ws, 'Bought')]);
      await store.appendEvents([event(ws, unique('m')), track(other, 'Elsewhere')]);
      const profile = (id: string, traits: Record<string, unknown>, createdAt: number) => ({
        id,
        workspaceId: ws,
        traits,
        traitTimes: {},
        consent: {},
        timezone: null,
        locale: null,
        createdAt,
        updatedAt: createdAt,
      });
      const cursor = unique('cursor');
      await store.acquireCursor({ name: cursor, owner: 't', now: 1, leaseMs: 1e9 });
      await store.applyResolution({
        upsertProfiles: [profile(`${ws}-a`, { plan: 'pro', email: 'a@x.io' }, 1), profile(`${ws}-b`, { age: 3 }, 2)],
        merges: [],
        upsertIdentities: [],
        assignEvents: [],
        audit: [],
        cursor: { name: cursor, position: 0, owner: 't' },
      });
      assert.deepEqual(await store.journeys.seenNames(ws, { events: 100, customers: 100 }), {
        events: ['Bought', 'Old', 'Signed Up'],
        traits: ['age', 'email', 'plan'],
      });
      // Only the newest rows are read: three track events, one customer.
      assert.deepEqual(await store.journeys.seenNames(ws, { events: 3, customers: 1 }), {
        events: ['Bought', 'Signed Up'],
        traits: ['age'],
      });
      assert.deepEqual(await store.journeys.seenNames(unique('ws'), { events: 10, customers: 10 }), {
        events: [],
        traits: [],
      });
    });

    it('filters the outbox by customer, journey, status and channel, newest first', async () => {
      const [ws, other] = [unique('ws'), unique('ws')];
      await store.journeys.applyJourneyChange(
        change({
          outbox: [
            outbox(ws, 'a', { createdAt: 1, customerId: 'c1', channel: 'email' }),
            outbox(ws, 'b', { createdAt: 2, customerId: 'c2', channel: 'sms', journeyId: 'k' }),
            outbox(ws, 'c', { createdAt: 3, customerId: 'c1', status: 'suppressed', kind: 'webhook', channel: null }),
            outbox(other, 'a', { createdAt: 4 }),
          ],
        }),
      );
      const keys = (query: Partial<Parameters<Store['journeys']['listOutbox']>[0]>) =>
        store.journeys
          .listOutbox({ workspaceId: ws, limit: 10, ...query })
          .then((rows) => rows.map((r) => r.idempotencyKey));
      assert.deepEqual(await keys({}), ['c', 'b', 'a']);
      assert.deepEqual(await keys({ limit: 2 }), ['c', 'b']);
      assert.deepEqual(await keys({ customerId: 'c1' }), ['c', 'a']);
      assert.deepEqual(await keys({ journeyId: 'k' }), ['b']);
      assert.deepEqual(await keys({ status: 'suppressed' }), ['c']);
      assert.deepEqual(await keys({ channel: 'sms' }), ['b']);
      assert.deepEqual(await keys({ customerId: 'c2', channel: 'email' }), []);
      assert.equal(await store.journeys.countOutbox(ws), 3);
      assert.equal(await store.journeys.countOutbox(other), 1);
    });
  });
}
