import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testFiles } from '../app/test-files.ts';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { runCli } from '../app/test-processes.ts';
import { sendBatch } from '../journeys/test-journey-api.ts';

const { file } = testFiles('policy');

describe('godwit policy apply (CLI)', () => {
  let t: TestGodwit;
  const godwit = (...args: string[]) => runCli(['policy', ...args], { dataDir: t.dataDir });
  before(async () => {
    t = await startTestGodwit();
  });
  after(() => t.close());

  it('prints every problem of an invalid policy with its path, applies nothing and exits 1', async () => {
    const broken = file(
      'broken.yaml',
      'quietHours:\n  - { channels: [fax], from: "25:00", to: "08:00" }\nholdout: { percent: 500 }\n',
    );
    const run = await godwit('apply', broken);
    assert.equal(run.code, 1);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines[0], `godwit: ${broken} is not a valid policy; nothing was applied:`);
    assert.match(lines[1] ?? '', /^ {2}quietHours\[0\]\.channels\[0\]: must be one of email/);
    assert.match(lines[2] ?? '', /^ {2}quietHours\[0\]\.from: must be a local time like 09:00/);
    assert.match(lines[3] ?? '', /^ {2}holdout\.percent: /);
    assert.equal(lines.length, 4, run.stderr);
    assert.equal(await t.godwit.store.decisions.getPolicy(t.workspaceId), undefined);
  });

  it('names a syntax error without an empty path before it', async () => {
    const run = await godwit('apply', file('syntax.yaml', 'caps: [\n'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /nothing was applied:\n {2}not valid YAML: line 2, column 1: /);
  });

  it('applies a valid policy', async () => {
    const run = await godwit('apply', file('policy.yaml', 'holdout: { percent: 5 }\n'));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^policy applied: 0 quiet-hour rules, 0 caps, 0 suppression rules, holdout 5%/);
  });

  it("prints the holdout's lift on an event over the last days", async () => {
    const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await sendBatch(t, [
      ...Array.from({ length: 40 }, (_, i) => ({ type: 'identify', userId: `u${i}`, timestamp: at })),
      ...Array.from({ length: 10 }, (_, i) => ({ type: 'track', userId: `u${i}`, event: 'Signed Up', timestamp: at })),
    ]);
    assert.equal((await godwit('apply', file('half.yaml', 'holdout: { percent: 50 }\n'))).code, 0);
    const run = await godwit('lift', 'Signed Up', '--days', '7');
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.match(
      lines[0] ?? '',
      /^Signed Up, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d; holdout 50 % of customers \(marketing\)$/,
    );
    const [holdout, treatment] = lines.slice(1, 3).map((line) => {
      const [, customers, converted] = line.match(/(\d+) customers, (\d+) did it/) ?? [];
      return [Number(customers), Number(converted)];
    });
    const total = [(holdout?.[0] ?? 0) + (treatment?.[0] ?? 0), (holdout?.[1] ?? 0) + (treatment?.[1] ?? 0)];
    assert.deepEqual(total, [40, 10], run.stdout);
    assert.match(lines[3] ?? '', /^ {2}lift {7}[+-]\d+\.\d\d points \(95 % interval [+-]\d+\.\d\d to [+-]\d+\.\d\d\)/);
    const json = JSON.parse((await godwit('lift', 'Signed Up', '--json')).stdout);
    assert.equal(json.holdout.customers + json.treatment.customers, 40);
    const bad = await godwit('lift', 'Signed Up', '--days', 'week');
    assert.deepEqual(
      [bad.code, bad.stderr.trim()],
      [1, 'godwit: --days must be a whole number of days from 1 to 366, not week'],
    );
    const misspelt = await godwit('lift', 'signed up');
    assert.match(
      misspelt.stdout,
      /\n {2}note: no customer did signed up in the window; event names are matched exactly/,
    );
  });
});
