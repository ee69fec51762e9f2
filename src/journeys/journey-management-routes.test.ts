import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { readCatalogText } from './catalog/journey-catalog.ts';
import { callApi, iso, sendBatch, T0 } from './test-journey-api.ts';
import { defineJourney } from './test-journeys.ts';

const welcome = (duration = '1d', fields: Record<string, unknown> = {}) => ({
  id: 'welcome',
  name: 'Welcome',
  trigger: { event: 'Signed Up' },
  start: 'wait_1',
  nodes: { wait_1: { type: 'wait', duration, next: 'end' }, end: { type: 'exit' } },
  ...fields,
});

for (const storeName of ['sqlite', 'postgres'] as const) {
  describe(`journey management API (${storeName})`, () => {
    let t: TestGodwit;
    const call = (method: string, path: string, body?: unknown) => callApi(t, method, path, body);
    before(async () => {
      t = await startTestGodwit({ store: storeName });
    });
    after(() => t.close());

    it('creates a draft, edits it in place, publishes it, and versions later edits', async () => {
      const created = await call('POST', '/v1/journeys', welcome());
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.journey.status, 'draft');
      assert.equal(created.body.journey.definition.version, 1);
      const again = await call('POST', '/v1/journeys', welcome());
      assert.equal(again.status, 409);
      assert.match(again.body.error.message, /welcome already exists/);

      const edited = await call('PUT', '/v1/journeys/welcome', welcome('2d'));
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.deepEqual([edited.body.changed, edited.body.journey.latestVersion], [true, 1]);

      const live = await call('POST', '/v1/journeys/welcome/status', { status: 'live' });
      assert.deepEqual([live.body.changed, live.body.journey.status], [true, 'live']);
      const v2 = await call('PUT', '/v1/journeys/welcome', welcome('3d'));
      assert.deepEqual([v2.body.journey.latestVersion, v2.body.previous.version], [2, 1]);
      const same = await call('PUT', '/v1/journeys/welcome', welcome('3d'));
      assert.deepEqual([same.status, same.body.changed], [200, false]);

      const got = await call('GET', '/v1/journeys/welcome');
      assert.equal(got.body.journey.definition.nodes.wait_1.duration, '3d');
      assert.deepEqual(
        got.body.journey.versions.map((v: { version: number }) => v.version),
        [1, 2],
      );
      const v1 = await call('GET', '/v1/journeys/welcome/versions/1');
      assert.equal(v1.body.version.definition.nodes.wait_1.duration, '2d');
      const list = await call('GET', '/v1/journeys');
      assert.deepEqual(
        list.body.journeys.map((j: { id: string; status: string; latestVersion: number }) => [
          j.id,
          j.status,
          j.latestVersion,
        ]),
        [['welcome', 'live', 2]],
      );
      assert.equal((await call('GET', '/v1/journeys?status=draft')).body.journeys.length, 0);
    });

    it('takes YAML source, and answers bad input with 4xx that say why', async () => {
      const yaml = await call('POST', '/v1/journeys', { source: readCatalogText('abandoned-cart.yaml') });
      assert.equal(yaml.status, 201, JSON.stringify(yaml.body));
      assert.equal(yaml.body.journey.id, 'abandoned-cart');

      const onlyNew = /body\.status: must be one of draft, live$/;
      const cases: [string, string, unknown, number, RegExp][] = [
        ['POST', '/v1/journeys', { id: 'x' }, 400, /journey is not valid: name: is required/],
        ['POST', '/v1/journeys', welcome('1d', { id: 'catalog' }), 400, /reserved/],
        ['POST', '/v1/journeys', [1], 400, /body must be a journey/],
        ['PUT', '/v1/journeys/other', welcome(), 400, /ids do not change/],
        ['PUT', '/v1/journeys/nope', welcome('1d', { id: 'nope' }), 404, /no journey nope/],
        ['GET', '/v1/journeys/nope', undefined, 404, /no journey nope/],
        ['GET', '/v1/journeys/abandoned-cart/versions/0', undefined, 400, /path\.version: must be 1 or more/],
        ['GET', '/v1/journeys/abandoned-cart/versions/x', undefined, 400, /path\.version/],
        ['GET', '/v1/journeys/abandoned-cart/versions/5', undefined, 404, /no version 5/],
        ['GET', '/v1/journeys?status=gone', undefined, 400, /query\.status: must be one of draft, live/],
        ['POST', '/v1/journeys/abandoned-cart/status', { status: 'paused' }, 409, /draft; it can only become live/],
        ['POST', '/v1/journeys/abandoned-cart/status', {}, 400, /body\.status/],
        ['POST', '/v1/journeys/catalog/nope/install', {}, 404, /no catalog journey nope/],
        ['POST', '/v1/journeys/catalog/churn-risk-retention/install', { status: 'paused' }, 400, onlyNew],
        ['POST', '/v1/journeys/catalog/churn-risk-retention/install', { status: 'archived' }, 400, onlyNew],
        ['POST', '/v1/journeys', welcome('1d', { id: 'resting', status: 'paused' }), 400, /draft or live, not paused/],
      ];
      for (const [method, path, body, status, message] of cases) {
        const reply = await call(method, path, body);
        assert.equal(reply.status, status, `${method} ${path}: ${JSON.stringify(reply.body)}`);
        assert.match(reply.body.error.message, message, `${method} ${path}`);
      }
      assert.equal((await fetch(`${t.url}/v1/journeys`)).status, 401);
    });

    it('archives for good', async () => {
      await call('POST', '/v1/journeys', welcome('1d', { id: 'short-lived', status: 'live' }));
      const archived = await call('POST', '/v1/journeys/short-lived/status', { status: 'archived' });
      assert.equal(archived.body.journey.status, 'archived');
      const revived = await call('POST', '/v1/journeys/short-lived/status', { status: 'live' });
      assert.equal(revived.status, 409);
      assert.match(revived.body.error.message, /archived journeys do not change/);
    });

    it('goes live only when the templates and segments it names exist; a draft may wait for them', async () => {
      const sends = (template: string, fields: Record<string, unknown> = {}) => ({
        ...welcome('1d', fields),
        start: 'hello',
        nodes: { hello: { type: 'send', template, channel: 'email', next: 'end' }, end: { type: 'exit' } },
      });
      const draft = await call('POST', '/v1/journeys', sends('welcome_email', { id: 'greet' }));
      assert.equal(draft.status, 201, JSON.stringify(draft.body));
      assert.deepEqual(draft.body.warnings, ['nodes.hello.template: no template welcome_email in this workspace']);
      const refused = await call('POST', '/v1/journeys/greet/status', { status: 'live' });
      assert.equal(refused.status, 409);
      assert.match(
        refused.body.error.message,
        /greet cannot be live: nodes\.hello\.template: no template welcome_email/,
      );
      // A send on a fixed channel needs the template's content for it (the built-in cart_discount is email only).
      const onVoice = sends('cart_discount', { id: 'greet-by-voice', status: 'live' });
      const voice = { ...onVoice, nodes: { ...onVoice.nodes, hello: { ...onVoice.nodes.hello, channel: 'voice' } } };
      const noVoice = await call('POST', '/v1/journeys', voice);
      assert.equal(noVoice.status, 409);
      assert.deepEqual(noVoice.body.error.details, [
        { path: 'nodes.hello.template', message: 'template cart_discount has no voice content' },
      ]);
      const bySegment = sends('cart_reminder', { id: 'greet-vips', status: 'live' }); // a built-in template
      const segmentTrigger = { ...bySegment, trigger: { type: 'segment', segment: 'vips' } };
      const noSegment = await call('POST', '/v1/journeys', segmentTrigger);
      assert.equal(noSegment.status, 409);
      assert.deepEqual(noSegment.body.error.details, [
        { path: 'trigger.segment', message: 'no segment vips in this workspace' },
      ]);

      const template = {
        id: 'welcome_email',
        name: 'Welcome',
        channels: { email: { subject: 'Hi', html: '<p>Hi</p>' } },
      };
      assert.equal((await call('POST', '/v1/templates', template)).status, 201);
      const live = await call('POST', '/v1/journeys/greet/status', { status: 'live' });
      assert.equal(live.status, 200, JSON.stringify(live.body));
      const vips = { id: 'vips', name: 'VIPs', rule: { trait: 'plan', op: 'eq', value: 'vip' } };
      assert.equal((await call('POST', '/v1/segments', vips)).status, 201);
      assert.equal((await call('POST', '/v1/journeys', segmentTrigger)).status, 201);

      const inUse = await call('DELETE', '/v1/segments/vips');
      assert.equal(inUse.status, 409);
      assert.match(inUse.body.error.message, /segment vips is used by live journeys: greet-vips/);
      assert.equal((await call('POST', '/v1/journeys/greet-vips/status', { status: 'paused' })).status, 200);
      assert.equal((await call('DELETE', '/v1/segments/vips')).status, 200);
    });

    it('keeps a live journey editable when a template it sends has gone missing', async () => {
      const sends = (template: string, name = 'Thanks') => ({
        ...welcome('1d', { id: 'thanks', name, status: 'live' }),
        start: 'hello',
        nodes: { hello: { type: 'send', template, channel: 'email', next: 'end' }, end: { type: 'exit' } },
      });
      // As a database from before such deletions were refused has it: live, its template long gone.
      const journey = { ...defineJourney(sends('thanks_email')), version: 1 };
      const record = { workspaceId: t.workspaceId, id: 'thanks', name: 'Thanks', status: 'live' as const };
      await t.godwit.store.journeys.saveJourney(
        { ...record, latestVersion: 1, createdAt: T0, updatedAt: T0 },
        { workspaceId: t.workspaceId, journeyId: 'thanks', version: 1, definition: journey, createdAt: T0 },
      );

      const renamed = await call('PUT', '/v1/journeys/thanks', sends('thanks_email', 'Thank you'));
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.deepEqual(renamed.body.warnings, ['nodes.hello.template: no template thanks_email in this workspace']);
      assert.deepEqual(renamed.body.missingReferences, [
        { kind: 'template', id: 'thanks_email', path: 'nodes.hello.template' },
      ]);
      const added = await call('PUT', '/v1/journeys/thanks', sends('other_email', 'Thank you'));
      assert.equal(added.status, 409);
      assert.match(added.body.error.message, /thanks cannot be live: nodes\.hello\.template: no template other_email/);
      assert.equal((await call('POST', '/v1/journeys/thanks/status', { status: 'paused' })).status, 200);
      const resumed = await call('POST', '/v1/journeys/thanks/status', { status: 'live' });
      assert.equal(resumed.status, 409, 'going live again checks every reference');
    });

    it('installs a catalog journey and says what data is missing', async () => {
      await sendBatch(t, [
        { type: 'identify', userId: 'ada', traits: { email: 'ada@example.com' }, timestamp: iso(T0) },
        { type: 'track', userId: 'ada', event: 'Trial Started', timestamp: iso(T0) },
      ]);
      const catalog = await call('GET', '/v1/journeys/catalog');
      const id = catalog.body.journeys.find((j: { useCase: string }) => j.useCase === 'churn_retention').id;
      const installed = await call('POST', `/v1/journeys/catalog/${id}/install`, { status: 'live' });
      assert.equal(installed.status, 201, JSON.stringify(installed.body));
      assert.equal(installed.body.journey.id, id);
      assert.equal(installed.body.journey.status, 'draft');
      assert.ok(installed.body.missing.events.length > 0);
      assert.ok(!installed.body.missing.traits.includes('email'), 'ada has an email');
      assert.match(installed.body.warnings.join(' '), /not sent these events yet/);
      // The segment it starts on ships with it: nothing in the console could create it.
      assert.deepEqual(installed.body.createdSegments, ['no-activity-30d']);
      assert.deepEqual(installed.body.missingReferences, []);
      const segment = await call('GET', '/v1/segments/no-activity-30d');
      assert.equal(segment.body.segment.name, 'No activity for 30 days');
      const twice = await call('POST', `/v1/journeys/catalog/${id}/install`);
      assert.equal(twice.status, 409);
    });
  });
}
