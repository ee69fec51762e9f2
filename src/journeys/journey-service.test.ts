import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { findCatalogJourney } from './journey-input.ts';
import { type JourneyDefinition, parseJourneyText } from './journey-schema.ts';
import { JourneyService } from './journey-service.ts';
import { journeyYaml } from './journey-yaml.ts';
import { defineJourney } from './test-journeys.ts';

const nodes = (duration: string) => ({
  first: { type: 'wait', duration, next: 'done' },
  done: { type: 'exit' },
});
const welcome = (fields: Record<string, unknown> = {}): JourneyDefinition =>
  defineJourney({ id: 'welcome', name: 'Welcome', nodes: nodes('1d'), ...fields });

describe('JourneyService', () => {
  let dir: string;
  let store: Store;
  let now = 1_000;
  let changes = 0;
  let service: JourneyService;
  let counter = 0;
  const ws = () => `ws-${++counter}`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'godwit-journey-service-'));
    store = await SqliteStore.open(join(dir, 'godwit.db'));
    service = new JourneyService({ journeys: store.journeys, clock: { now: () => now }, onChange: () => changes++ });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates version 1 as a draft, and refuses an id that exists', async () => {
    const w = ws();
    const before = changes;
    const { journey: created } = await service.create(w, welcome({ version: 7 }));
    assert.equal(created.status, 'draft');
    assert.equal(created.latestVersion, 1);
    assert.equal(created.definition.version, 1, 'the stored definition carries its assigned version');
    assert.equal(created.definition.status, 'draft');
    assert.deepEqual(created.versions, [{ version: 1, createdAt: now }]);
    assert.equal(changes, before + 1);
    await assert.rejects(service.create(w, welcome()), { code: 'conflict', message: /welcome already exists/ });
    await assert.rejects(service.create(w, welcome({ id: 'catalog' })), { code: 'invalid_input', message: /reserved/ });
    const { journey: live } = await service.create(w, welcome({ id: 'live-one', status: 'live' }));
    assert.equal(live.status, 'live');
    assert.deepEqual(
      (await store.journeys.liveVersions()).filter((v) => v.workspaceId === w).map((v) => v.journeyId),
      ['live-one'],
    );
    assert.deepEqual(
      (await service.list(w)).map((j) => `${j.id}:${j.status}:v${j.latestVersion}`),
      ['live-one:live:v1', 'welcome:draft:v1'],
    );
    assert.deepEqual(
      (await service.list(w, { status: 'live' })).map((j) => j.id),
      ['live-one'],
    );
  });

  it('edits a draft in place, then makes a new version once it has been live', async () => {
    const w = ws();
    await service.create(w, welcome());
    now += 10;
    const edited = await service.update(w, 'welcome', welcome({ name: 'Hello', nodes: nodes('2d') }));
    assert.equal(edited.changed, true);
    assert.equal(edited.journey.latestVersion, 1);
    assert.equal(edited.journey.name, 'Hello');
    assert.equal(edited.journey.versions.length, 1);

    const published = await service.setStatus(w, 'welcome', 'live');
    assert.deepEqual(published.previous, { version: 1, status: 'draft' });
    assert.equal((await store.journeys.getVersion(w, 'welcome', 1))?.definition.status, 'live');
    now += 10;
    const v2 = await service.update(w, 'welcome', welcome({ name: 'Hello', nodes: nodes('3d') }));
    assert.equal(v2.journey.latestVersion, 2);
    assert.equal(v2.journey.status, 'live', 'status: draft (the default) does not take a live journey back');
    assert.deepEqual(v2.previous, { version: 1, status: 'live' });
    assert.equal(v2.journey.definition.version, 2);
    const v1 = await service.version(w, 'welcome', 1);
    assert.equal((v1.definition.nodes.first as { duration: string }).duration, '2d', 'runs on v1 keep it');
    assert.deepEqual(
      (await service.versions(w, 'welcome')).map((v) => v.version),
      [1, 2],
    );
    await assert.rejects(service.version(w, 'welcome', 3), { code: 'not_found', message: /no version 3/ });
    await assert.rejects(service.version(w, 'nope', 1), { code: 'not_found', message: /no journey nope/ });
  });

  it('says an identical update changes nothing, whatever its version field', async () => {
    const w = ws();
    await service.create(w, welcome({ status: 'live' }));
    const before = changes;
    const same = await service.update(w, 'welcome', welcome({ version: 9 }));
    assert.equal(same.changed, false);
    assert.equal(same.journey.latestVersion, 1);
    assert.equal(changes, before, 'no change, no notice');
    assert.equal((await service.plan(w, welcome())).action, 'unchanged');
  });

  it('applies the status a definition gives, with the same rules as setStatus', async () => {
    const w = ws();
    await service.create(w, welcome({ status: 'live' }));
    const paused = await service.update(w, 'welcome', welcome({ status: 'paused' }));
    assert.equal(paused.changed, true);
    assert.equal(paused.journey.status, 'paused');
    assert.equal(paused.journey.latestVersion, 1, 'a status change alone makes no version');
    const both = await service.update(w, 'welcome', welcome({ status: 'live', nodes: nodes('5d') }));
    assert.equal(both.journey.status, 'live');
    assert.equal(both.journey.latestVersion, 2);
    await assert.rejects(service.update(w, 'other', welcome()), {
      code: 'invalid_input',
      message: /ids do not change/,
    });
    await assert.rejects(service.update(w, 'welcome-2', welcome({ id: 'welcome-2' })), { code: 'not_found' });
  });

  it('allows draft → live ⇄ paused → archived, and nothing out of archived', async () => {
    const w = ws();
    await service.create(w, welcome());
    await assert.rejects(service.setStatus(w, 'welcome', 'paused'), {
      code: 'conflict',
      message: /welcome is draft; it can only become live or archived/,
    });
    await service.setStatus(w, 'welcome', 'live');
    assert.equal((await service.setStatus(w, 'welcome', 'live')).changed, false);
    await assert.rejects(service.setStatus(w, 'welcome', 'draft'), { code: 'conflict', message: /pause it instead/ });
    await service.setStatus(w, 'welcome', 'paused');
    await service.setStatus(w, 'welcome', 'live');
    await service.setStatus(w, 'welcome', 'archived');
    await assert.rejects(service.setStatus(w, 'welcome', 'live'), { code: 'conflict', message: /archived/ });
    await assert.rejects(service.update(w, 'welcome', welcome({ nodes: nodes('9d') })), {
      code: 'conflict',
      message: /archived journeys do not change/,
    });
    const same = await service.update(w, 'welcome', welcome({ status: 'archived' }));
    assert.equal(same.changed, false, 'an exported archived journey applies as unchanged');
    await assert.rejects(service.setStatus(w, 'nope', 'live'), { code: 'not_found' });
  });

  it('applies: creates, updates or leaves alone', async () => {
    const w = ws();
    assert.equal((await service.apply(w, welcome())).created, true);
    const again = await service.apply(w, welcome());
    assert.deepEqual([again.created, again.changed], [false, false]);
    const edited = await service.apply(w, welcome({ name: 'Edited' }));
    assert.deepEqual([edited.created, edited.changed, edited.journey.name], [false, true, 'Edited']);
  });

  it('gives concurrent updates of a live journey distinct versions', async () => {
    const w = ws();
    await service.create(w, welcome({ status: 'live' }));
    await Promise.all(['2d', '3d', '4d'].map((d) => service.update(w, 'welcome', welcome({ nodes: nodes(d) }))));
    assert.deepEqual(
      (await service.versions(w, 'welcome')).map((v) => v.version),
      [1, 2, 3, 4],
    );
  });

  it('installs a catalog journey and says what data it is missing', async () => {
    const w = ws();
    const event = (name: string, i: number) => ({
      workspaceId: w,
      messageId: `m${i}`,
      type: 'track',
      event: name,
      userId: 'u',
      anonymousId: null,
      timestamp: 1,
      receivedAt: 1,
      payload: '{}',
    });
    await store.appendEvents([event('Cart Abandoned', 1), event('Order Completed', 2)]);
    const installed = await service.install(w, 'abandoned-cart', { status: 'live' });
    assert.deepEqual(installed.missing, { events: [], traits: ['email'] });
    assert.equal(installed.journey.status, 'draft', 'missing data keeps it a draft');
    assert.match(installed.warnings.join('\n'), /no customer has these traits yet: email/);
    assert.match(installed.warnings.join('\n'), /installed as a draft rather than live/);
    assert.equal(installed.journey.definition.name, findCatalogJourney('abandoned-cart')?.name);
    await assert.rejects(service.install(w, 'abandoned-cart'), { code: 'conflict' });
    await assert.rejects(service.install(w, 'nope'), { code: 'not_found', message: /the catalog has/ });

    const other = ws();
    // No Unsubscribed yet: an exit event does not hold a journey back from going live.
    const names = ['Cart Abandoned', 'Order Completed'];
    await store.appendEvents(names.map((name, i) => ({ ...event(name, i), workspaceId: other })));
    await store.acquireCursor({ name: `cursor-${other}`, owner: 't', now: 1, leaseMs: 1e9 });
    await store.applyResolution({
      upsertProfiles: [{ id: 'c1', workspaceId: other, traits: { email: 'a@x.io' }, traitTimes: {}, consent: {} }].map(
        (p) => ({ ...p, timezone: null, locale: null, createdAt: 1, updatedAt: 1 }),
      ),
      merges: [],
      upsertIdentities: [],
      assignEvents: [],
      audit: [],
      cursor: { name: `cursor-${other}`, position: 0, owner: 't' },
    });
    const complete = await service.install(other, 'abandoned-cart', { status: 'live' });
    assert.deepEqual(complete.missing, { events: [], traits: [] });
    assert.deepEqual(complete.warnings, []);
    assert.equal(complete.journey.status, 'live');
  });

  it('begins a journey as a draft or live: never paused or archived without having been live', async () => {
    const w = ws();
    for (const status of ['paused', 'archived'] as const) {
      const refused = { code: 'invalid_input', message: new RegExp(`a new journey is draft or live, not ${status}`) };
      await assert.rejects(service.install(w, 'churn-risk-retention', { status }), refused);
      await assert.rejects(service.create(w, welcome({ status })), refused);
    }
    assert.deepEqual(await service.list(w), []);
  });

  it('applies an export into a new workspace as it was: paused stays paused, archived archived', async () => {
    const from = ws();
    for (const id of ['resting', 'retired', 'running']) await service.create(from, welcome({ id, status: 'live' }));
    await service.setStatus(from, 'resting', 'paused');
    await service.setStatus(from, 'retired', 'archived');
    const exported = await Promise.all(
      (await service.list(from)).map(async ({ id }) => journeyYaml((await service.get(from, id)).definition)),
    );
    const files = exported.map((text) => {
      const parsed = parseJourneyText(text);
      assert.ok(parsed.ok);
      return parsed.journey;
    });

    const to = ws();
    for (const file of files) assert.equal((await service.plan(to, file)).action, 'create');
    for (const file of files) assert.equal((await service.apply(to, file)).created, true);
    const statuses = (await service.list(to)).map((j) => `${j.id}:${j.status}`);
    assert.deepEqual(statuses, ['resting:paused', 'retired:archived', 'running:live']);
    for (const file of files) assert.equal((await service.apply(to, file)).changed, false, 'and again is unchanged');
  });
});

describe('JourneyService with the templates and segments a workspace has', () => {
  let dir: string;
  let store: Store;
  let counter = 0;
  const ws = () => `refs-${++counter}`;
  let templates: Set<string>;
  let segments: Map<string, string>;
  let lookups: number;
  let service: JourneyService;
  const has = (names: { has(id: string): boolean }) => async (_workspaceId: string, id: string) => {
    lookups += 1;
    return names.has(id);
  };
  const sends = (template: string, fields: Record<string, unknown> = {}) =>
    welcome({
      start: 'hello',
      nodes: { hello: { type: 'send', template, channel: 'email', next: 'done' }, done: { type: 'exit' } },
      ...fields,
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'godwit-journey-refs-'));
    store = await SqliteStore.open(join(dir, 'godwit.db'));
    service = new JourneyService({
      journeys: store.journeys,
      clock: { now: () => 1_000 },
      references: {
        hasTemplate: has({ has: (id) => templates.has(id) }),
        hasSegment: has({ has: (id) => segments.has(id) }),
      },
      addSegment: async (_workspaceId, segment) => {
        if (segments.has(segment.id)) return false;
        segments.set(segment.id, segment.name);
        return true;
      },
    });
  });
  beforeEach(() => {
    templates = new Set(['welcome_email']);
    segments = new Map();
    lookups = 0;
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a live journey whose template was deleted editable; a new missing reference is refused', async () => {
    const w = ws();
    await service.create(w, sends('welcome_email', { status: 'live' }));
    templates.delete('welcome_email');
    lookups = 0;
    const renamed = await service.update(w, 'welcome', sends('welcome_email', { name: 'Renamed' }));
    assert.deepEqual([renamed.journey.status, renamed.journey.latestVersion], ['live', 2]);
    assert.deepEqual(renamed.warnings, ['nodes.hello.template: no template welcome_email in this workspace']);
    assert.deepEqual(renamed.missingReferences, [
      { kind: 'template', id: 'welcome_email', path: 'nodes.hello.template' },
    ]);
    // Once per change, and a missing template once more without its channel, to say whether it exists at all.
    assert.equal(lookups, 2, 'each reference is looked up once per change');
    const applied = await service.apply(w, sends('welcome_email', { name: 'Applied' }));
    assert.equal(applied.journey.latestVersion, 3, 'apply with the same references');
    await assert.rejects(service.update(w, 'welcome', sends('goodbye_email')), {
      code: 'conflict',
      message: /welcome cannot be live: nodes\.hello\.template: no template goodbye_email/,
    });
    const paused = await service.setStatus(w, 'welcome', 'paused');
    assert.equal(paused.warnings.length, 1);
    const draftish = await service.update(w, 'welcome', sends('goodbye_email', { status: 'paused' }));
    assert.equal(draftish.journey.status, 'paused', 'a paused journey saves with warnings');
    await assert.rejects(service.setStatus(w, 'welcome', 'live'), { code: 'conflict', message: /cannot be live/ });
    templates.add('goodbye_email');
    assert.equal((await service.setStatus(w, 'welcome', 'live')).journey.status, 'live');
  });

  it('creates the segments a catalog journey ships, never replacing one, and says which', async () => {
    templates = new Set(['winback_offer', 'winback_last_chance']);
    const first = await service.install(ws(), 'churn-risk-retention');
    assert.deepEqual(first.createdSegments, ['no-activity-30d']);
    assert.deepEqual(first.missingReferences, []);
    segments.set('no-activity-30d', 'Ours');
    const second = await service.install(ws(), 'churn-risk-retention');
    assert.deepEqual(second.createdSegments, []);
    assert.equal(segments.get('no-activity-30d'), 'Ours', 'the workspace keeps its own');

    segments.clear();
    await assert.rejects(service.install(ws(), 'churn-risk-retention', { status: 'paused' }), {
      code: 'invalid_input',
    });
    const w = ws();
    await service.create(w, findCatalogJourney('churn-risk-retention') as JourneyDefinition);
    await assert.rejects(service.install(w, 'churn-risk-retention'), { code: 'conflict' });
    assert.equal(segments.size, 0, 'a refused install adds no segment');
  });
});
