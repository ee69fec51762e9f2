import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGodwit, type Godwit } from '../app/godwit.ts';
import { parseSegment } from '../segments/segment-schema.ts';
import { parseConfig } from '../shared/config.ts';
import { createTestPostgresDatabase } from '../storage/test-databases.ts';
import { parseTemplate } from '../templates/template-schema.ts';
import { defineJourney } from './test-journeys.ts';

const ROUNDS = 30;

function template(id: string) {
  const parsed = parseTemplate({
    id,
    name: id,
    channels: { email: { subject: 'Hi', html: '<p>Hi</p>' } },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.template;
}

function segment(id: string) {
  const parsed = parseSegment({ id, name: id, rule: { trait: 'plan', op: 'eq', value: 'pro' } });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.segment;
}

/** A draft that sends `templateId`, started by members of `segmentId` when there is one. */
function journey(id: string, templateId: string, segmentId?: string) {
  return defineJourney({
    id,
    name: id,
    ...(segmentId ? { trigger: { type: 'segment', segment: segmentId, on: 'entered' } } : {}),
    start: 'hello',
    nodes: {
      hello: { type: 'send', template: templateId, channel: 'email', next: 'done' },
      done: { type: 'exit' },
    },
  });
}

/** Both settled, each as true when it succeeded; a failure other than the expected 409 is rethrown. */
async function race(first: () => Promise<unknown>, second: () => Promise<unknown>): Promise<[boolean, boolean]> {
  const outcomes = await Promise.allSettled([first(), second()]);
  return outcomes.map((outcome) => {
    if (outcome.status === 'fulfilled') return true;
    if ((outcome.reason as { code?: string }).code === 'conflict') return false;
    throw outcome.reason;
  }) as [boolean, boolean];
}

/**
 * Two `godwit api` processes on one PostgreSQL database (two Godwits here, each with its own pool): one
 * deletes a template or segment while the other makes a journey naming it live. One of them must lose.
 */
describe('deleting a template or segment races going live, across processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-references-race-'));
  let database: Awaited<ReturnType<typeof createTestPostgresDatabase>>;
  let a: Godwit;
  let b: Godwit;
  let workspaceId: string;

  before(async () => {
    database = await createTestPostgresDatabase();
    const config = parseConfig({
      PORT: 0,
      LOG_LEVEL: 'silent',
      GODWIT_DATA_DIR: dir,
      GODWIT_JOURNEY_THREAD: 'off',
      DATABASE_URL: database.url,
    });
    a = await createGodwit(config);
    b = await createGodwit(config);
    const first = await a.workspaces.ensureFirstWorkspace();
    if (!first) throw new Error('expected a fresh store');
    workspaceId = first.workspaceId;
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never both deletes a template and makes a journey sending it live', async () => {
    let deleted = 0;
    let live = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Each process takes each side in turn.
      const [deleter, publisher] = round % 2 === 0 ? [a, b] : [b, a];
      const [templateId, journeyId] = [`t_${round}`, `j_${round}`];
      await deleter.templates.create(workspaceId, template(templateId));
      await publisher.journeys.create(workspaceId, journey(journeyId, templateId));
      const [wasDeleted, wentLive] = await race(
        () => deleter.templates.delete(workspaceId, templateId),
        () => publisher.journeys.setStatus(workspaceId, journeyId, 'live'),
      );
      assert.ok(!(wasDeleted && wentLive), `round ${round}: the template was deleted and its journey went live`);
      assert.ok(wasDeleted || wentLive, `round ${round}: one of them goes through`);
      const status = (await deleter.journeys.get(workspaceId, journeyId)).status;
      const exists = (await publisher.store.templates.getTemplate(workspaceId, templateId)) !== undefined;
      assert.ok(status !== 'live' || exists, `round ${round}: a live journey sends a template that is gone`);
      if (wasDeleted) deleted++;
      if (wentLive) live++;
    }
    // Not asserted: which side wins each round is up to timing. Both outcomes showing means the two overlapped.
    assert.equal(deleted + live, ROUNDS);
  });

  it('never both deletes a segment and makes a journey starting on it live', async () => {
    await a.templates.create(workspaceId, template('welcome'));
    for (let round = 0; round < ROUNDS; round++) {
      const [deleter, publisher] = round % 2 === 0 ? [a, b] : [b, a];
      const [segmentId, journeyId] = [`s_${round}`, `js_${round}`];
      await deleter.segments.create(workspaceId, segment(segmentId));
      await publisher.journeys.create(workspaceId, journey(journeyId, 'welcome', segmentId));
      const [wasDeleted, wentLive] = await race(
        () => deleter.segments.delete(workspaceId, segmentId),
        () => publisher.journeys.setStatus(workspaceId, journeyId, 'live'),
      );
      assert.ok(!(wasDeleted && wentLive), `round ${round}: the segment was deleted and its journey went live`);
      assert.ok(wasDeleted || wentLive, `round ${round}: one of them goes through`);
    }
  });
});
