import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { PolicyCache } from './policy-cache.ts';

/** The policy API: the default until one is applied, replace whole, 400 naming the path. */
describe('policy API', () => {
  let t: TestGodwit;
  const call = async (init: RequestInit = {}, contentType = 'application/json') => {
    const response = await fetch(`${t.url}/v1/policy`, {
      ...init,
      headers: { authorization: `Bearer ${t.secretKey}`, ...(init.body ? { 'content-type': contentType } : {}) },
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  before(async () => {
    t = await startTestGodwit();
  });
  after(() => t.close());

  it('returns the default, then the applied policy (JSON or YAML)', async () => {
    const first = await call();
    assert.equal(first.status, 200);
    assert.equal(first.body.default, true);
    assert.deepEqual(
      first.body.policy.caps.map((c: { per: string }) => c.per),
      ['day', 'week'],
    );
    const put = await call({
      method: 'PUT',
      body: JSON.stringify({
        quietHours: [{ channels: ['sms'], from: '22:00', to: '07:00' }],
        holdout: { percent: 5 },
      }),
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.default, false);
    assert.equal(put.body.policy.quietHours[0].allow[0], 'transactional', 'defaults filled in');
    assert.equal((await call()).body.policy.holdout.percent, 5);
    const yaml = 'caps:\n  - classes: [marketing]\n    per: week\n    max: 2\n';
    const fromYaml = await call({ method: 'PUT', body: yaml }, 'text/yaml');
    assert.equal(fromYaml.status, 200);
    assert.deepEqual((await call()).body.policy.caps, [{ classes: ['marketing'], per: 'week', max: 2 }]);
    const xYaml = await call({ method: 'PUT', body: yaml.replace('max: 2', 'max: 3') }, 'application/x-yaml');
    assert.equal(xYaml.status, 200, 'the other common YAML type');
    assert.equal((await call()).body.policy.caps[0].max, 3);
    const csv = await call({ method: 'PUT', body: 'a,b' }, 'text/csv');
    assert.deepEqual([csv.status, csv.body.error.code], [415, 'unsupported_media_type']);
  });

  it('refuses an invalid policy with 400 naming the path, and a missing key with 401', async () => {
    const bad = await call({
      method: 'PUT',
      body: JSON.stringify({ quietHours: [{ channels: ['sms'], from: '25:00', to: '07:00' }] }),
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_input');
    assert.match(bad.body.error.message, /quietHours\.0\.from|quietHours\[0\]\.from/);
    const broken = await call({ method: 'PUT', body: 'caps: [\n' }, 'text/yaml');
    assert.match(broken.body.error.message, /^invalid policy: not valid YAML: line 2/, 'no empty path before it');
    const unknown = await call({ method: 'PUT', body: JSON.stringify({ quiet: [] }) });
    assert.equal(unknown.status, 400);
    const twice = await call({
      method: 'PUT',
      body: JSON.stringify({ quietHours: [{ channels: ['sms'], from: '25:00', to: '07:00' }], caps: 'none' }),
    });
    assert.deepEqual(
      twice.body.error.details.map((d: { path: string }) => d.path).sort(),
      ['caps', 'quietHours[0].from'],
      'every problem in details, as a list of { path, message } as journeys give them',
    );
    const before = (await call()).body.policy;
    const empty = await call({ method: 'PUT', body: 'null' });
    assert.deepEqual([empty.status, empty.body.error.message], [400, 'invalid policy: must be an object']);
    assert.deepEqual((await call()).body.policy, before, 'a null body applies nothing');
    assert.equal((await fetch(`${t.url}/v1/policy`)).status, 401);
  });

  it('keeps using a stored policy that rules added since would refuse, rather than the default', async () => {
    const rule = {
      id: 'support',
      classes: ['marketing'],
      when: [{ property: 'do_not_market', op: 'eq', value: true }],
    };
    const older = { holdout: { percent: 10 }, suppression: [rule, { ...rule, when: [{ segment: 'vips' }] }] };
    await t.godwit.store.decisions.putPolicy({ workspaceId: t.workspaceId, policy: older, updatedAt: 1 });
    const view = (await call()).body;
    assert.deepEqual([view.default, view.policy.holdout.percent, view.policy.suppression.length], [false, 10, 2]);
    const loaded = await new PolicyCache(t.godwit.store.decisions).get(t.workspaceId, Date.now());
    assert.deepEqual([loaded.policy.holdout?.percent, loaded.policy.suppression.length], [10, 2]);
  });
});
