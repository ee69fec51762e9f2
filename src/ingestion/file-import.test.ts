import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { testFiles } from '../app/test-files.ts';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { importFile } from './file-import.ts';

const { file } = testFiles('import');

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
    // In line order, though csv-parse reports the malformed line 5 before line 4 is read.
    assert.deepEqual(
      first.rejections.map((r) => r.line),
      [4, 5],
    );
    assert.match(first.rejections[0]?.reason ?? '', /no user_id.*email or phone/);
    assert.match(first.rejections[1]?.reason ?? '', /Record Length/);

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

  it("imports a database export's NULL, None, unknown or 0 ids as no id, each row by its own contact", async () => {
    const csv = file(
      'export.csv',
      [
        'user_id,email,phone,name',
        'NULL,null-1@example.com,NULL,Nul',
        'None,none-1@example.com,,Non',
        'unknown,unknown-1@example.com,,Unk',
        '0,zero-1@example.com,,Zero',
        'NULL,NULL,+14155550123,Phone',
        'NULL,None,NULL,Nobody',
      ].join('\n'),
    );
    const summary = await run(csv, 'customers');
    assert.deepEqual([summary.imported, summary.rejected], [5, 1]);
    assert.match(summary.rejections[0]?.reason ?? '', /no user_id.*email or phone/);
    assert.equal(summary.rejections[0]?.line, 7);
    await t.settle();
    const names = [];
    for (const contact of [
      'null-1@example.com',
      'none-1@example.com',
      'unknown-1@example.com',
      'zero-1@example.com',
      '+14155550123',
    ]) {
      const id = await t.godwit.customers.resolveId(t.workspaceId, contact);
      names.push((await t.godwit.store.getProfile(t.workspaceId, id))?.traits.name);
    }
    assert.deepEqual(names, ['Nul', 'Non', 'Unk', 'Zero', 'Phone'], 'five customers, none linked by a placeholder');
  });

  it('imports Segment events from NDJSON and rejects bad lines by number, in line order', async () => {
    const ndjson = file(
      'events.ndjson',
      [
        JSON.stringify({ type: 'track', userId: 'n-1', event: 'Order Completed', messageId: 'n1' }),
        JSON.stringify({ type: 'track', event: 'No Id' }),
        '',
        '{ not json',
        JSON.stringify({ type: 'identify', userId: 'n-1', traits: { vip: true } }),
        JSON.stringify({ type: 'track', userId: 'null', event: 'Placeholder' }),
      ].join('\n'),
    );
    const summary = await run(ndjson, 'events');
    assert.equal(summary.imported, 2);
    // Line 4's JSON error is found as it is read, line 2's and 6's only when their chunk is validated.
    assert.deepEqual(
      summary.rejections.map((r) => r.line),
      [2, 4, 6],
    );
    assert.match(summary.rejections[0]?.reason ?? '', /userId or anonymousId/);
    assert.match(summary.rejections[1]?.reason ?? '', /not valid JSON/);
    assert.match(summary.rejections[2]?.reason ?? '', /userId: "null" is a placeholder/);
    await t.settle();
    const id = await t.godwit.customers.resolveId(t.workspaceId, 'n-1');
    assert.equal((await t.godwit.store.getProfile(t.workspaceId, id))?.traits.vip, true);
  });

  it('derives a messageId from each whole NDJSON line and its repeat count, so re-importing adds nothing and no event is lost', async () => {
    const click = { type: 'track', userId: 'r-1', event: 'Clicked' };
    const events = [
      { type: 'track', userId: 'r-1', event: 'Viewed', properties: { sku: 'a' }, timestamp: '2026-01-01T10:00:00Z' },
      click,
      { type: 'track', userId: 'r-1', event: 'Viewed', properties: { sku: 'b' }, timestamp: '2026-01-01T10:00:00Z' },
      click,
      { type: 'identify', userId: 'r-1', traits: { plan: 'pro' } },
    ];
    const ndjson = file('reimport.ndjson', events.map((e) => JSON.stringify(e)).join('\n'));
    const first = await run(ndjson, 'events');
    assert.equal(first.imported, 5, 'events differing in one property are two events, and so are two identical clicks');
    const again = await run(ndjson, 'events');
    assert.deepEqual([again.imported, again.duplicates], [0, 5]);
    const spaced = file(
      'reimport-spaced.ndjson',
      events.map((e) => JSON.stringify(e, null, 1).replace(/\n/g, ' ')).join('\n'),
    );
    assert.equal((await run(spaced, 'events')).imported, 0, 'spacing is not content');
    await t.settle();
    const r1 = await t.godwit.customers.resolveId(t.workspaceId, 'r-1');
    const view = await t.godwit.customers.view(t.workspaceId, r1, { limit: 10 });
    assert.equal(view.timeline.entries.length, 5);
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
    assert.match(result.stderr, /Importing customers: 26 \/ 26 bytes/, 'a tiny file in bytes, not "0 / 0 MB"');
  });

  it('counts profile progress only up to the imported events while live traffic lengthens the log', async () => {
    // The command line folds here (the server's processor gives up its lease), and folding runs to the end of
    // the log: past the import's last event, into the traffic the server takes meanwhile.
    await t.godwit.processor.stop();
    const note = 'x'.repeat(2000);
    const ndjson = file(
      'busy.ndjson',
      JSON.stringify({ type: 'track', userId: 'busy-1', event: 'I', properties: { note } }),
    );
    const child = spawn(process.execPath, ['bin/godwit.mjs', 'import', ndjson], {
      env: { ...process.env, GODWIT_DATA_DIR: t.dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    let running = true;
    const exited = once(child, 'close').finally(() => {
      running = false;
    });
    const headers = {
      authorization: `Basic ${Buffer.from(`${t.writeKey}:`).toString('base64')}`,
      'content-type': 'application/json',
    };
    const body = JSON.stringify({ userId: 'busy-2', event: 'Live' });
    const traffic = async () => {
      while (running) await fetch(`${t.url}/v1/track`, { method: 'POST', headers, body });
    };
    await Promise.all([exited, traffic(), traffic(), traffic(), traffic()]);
    assert.match(stderr, /1 rows: 1 imported/);
    assert.match(stderr, /Importing events: 2\.1 \/ 2\.1 KB/, 'a small file in KB, not "0 / 0 MB"');
    const counts = [...stderr.matchAll(/Building profiles: ([\d,]+) \/ ([\d,]+) events/g)];
    const count = (text = '') => Number(text.replaceAll(',', ''));
    assert.ok(counts.length > 0, stderr);
    for (const [line, done, total] of counts) assert.ok(count(done) <= count(total), line);
  });
});
