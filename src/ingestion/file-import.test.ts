import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { importFile } from './file-import.ts';

const dir = mkdtempSync(join(tmpdir(), 'godwit-import-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('file import', () => {
  let t: TestGodwit;
  before(async () => {
    t = await startTestGodwit();
  });
  after(() => t.close());

  const run = (path: string, kind: 'customers' | 'events') =>
    importFile({ store: t.godwit.store, ingestion: t.godwit.ingestion, workspaceId: t.workspaceId, file: path, kind });

  it('imports customers from CSV, lists rejected rows with their line, and is safe to repeat', async () => {
    const csv = file(
      'customers.csv',
      [
        'user_id,email,phone,name,plan',
        'c-1,ada@example.com,+14155552671,Ada,pro',
        ',grace@example.com,,Grace,free',
        ',,,Nobody,free',
        'c-4,too-few-columns',
        'c-5,,,"Lin, Mei",pro',
      ].join('\n'),
    );
    const first = await run(csv, 'customers');
    assert.equal(first.rows, 5);
    assert.equal(first.imported, 3);
    assert.equal(first.rejected, 2);
    assert.match(first.rejections.find((r) => r.line === 4)?.reason ?? '', /no user_id.*email or phone/);
    assert.match(first.rejections.find((r) => r.line === 5)?.reason ?? '', /Record Length/);

    const again = await run(csv, 'customers');
    assert.equal(again.imported, 0);
    assert.equal(again.duplicates, 3);

    await t.settle();
    const ada = await t.godwit.customers.resolveId(t.workspaceId, 'ada@example.com');
    assert.equal(ada, await t.godwit.customers.resolveId(t.workspaceId, '+1 (415) 555-2671'));
    const view = await t.godwit.customers.view(t.workspaceId, ada, { limit: 10 });
    assert.deepEqual(view.profile.traits, {
      email: 'ada@example.com',
      phone: '+14155552671',
      name: 'Ada',
      plan: 'pro',
    });
    const grace = await t.godwit.customers.resolveId(t.workspaceId, 'grace@example.com');
    assert.equal((await t.godwit.store.getProfile(t.workspaceId, grace))?.traits.name, 'Grace');
  });

  it('imports Segment events from NDJSON and rejects bad lines by number', async () => {
    const ndjson = file(
      'events.ndjson',
      [
        JSON.stringify({ type: 'track', userId: 'n-1', event: 'Order Completed', messageId: 'n1' }),
        '{ not json',
        '',
        JSON.stringify({ type: 'track', event: 'No Id' }),
        JSON.stringify({ type: 'identify', userId: 'n-1', traits: { vip: true } }),
      ].join('\n'),
    );
    const summary = await run(ndjson, 'events');
    assert.equal(summary.imported, 2);
    assert.deepEqual(
      summary.rejections.map((r) => r.line),
      [2, 4],
    );
    assert.match(summary.rejections[0]?.reason ?? '', /not valid JSON/);
    assert.match(summary.rejections[1]?.reason ?? '', /userId or anonymousId/);
    await t.settle();
    const id = await t.godwit.customers.resolveId(t.workspaceId, 'n-1');
    assert.equal((await t.godwit.store.getProfile(t.workspaceId, id))?.traits.vip, true);
  });

  it('runs from the command line with a summary and a non-zero exit when rows were rejected', () => {
    const csv = file('cli.csv', 'id,name\ncli-1,One\n,Nobody\n');
    const result = spawnSync(process.execPath, ['bin/godwit.mjs', 'import', csv], {
      env: { ...process.env, GODWIT_DATA_DIR: t.dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /2 rows: 1 imported, 0 already present, 1 rejected/);
    assert.match(result.stderr, /line 3: no user_id/);
  });
});
