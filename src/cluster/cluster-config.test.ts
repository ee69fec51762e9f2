import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../shared/config.ts';
import { parseRoles } from './cluster-config.ts';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'godwit-cluster-config-'));
const pg = 'postgres://postgres@127.0.0.1:5432/x';

describe('scale-out configuration', () => {
  it('defaults to every role, 16 partitions and no NATS', () => {
    const config = loadConfig({}, emptyDir());
    assert.deepEqual(parseRoles(config.GODWIT_ROLES), ['profiles', 'segments', 'journeys', 'timers', 'delivery']);
    assert.equal(config.GODWIT_PARTITIONS, 16);
    assert.equal(config.NATS_URL, undefined);
  });

  it('reads roles, partitions and concurrency from a file, the environment winning', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'godwit.config.json'), JSON.stringify({ GODWIT_PARTITIONS: 32, GODWIT_ROLES: 'delivery' }));
    const config = loadConfig({ GODWIT_ROLES: 'journeys, timers', GODWIT_CONCURRENCY: '8' }, dir);
    assert.deepEqual(parseRoles(config.GODWIT_ROLES), ['journeys', 'timers']);
    assert.equal(config.GODWIT_PARTITIONS, 32);
    assert.equal(config.GODWIT_CONCURRENCY, 8);
  });

  it('names the variable and says why', () => {
    const bad = (env: Record<string, string>, pattern: RegExp) =>
      assert.throws(
        () => loadConfig(env, emptyDir()),
        (error: Error) => error instanceof ConfigError && pattern.test(error.message),
      );
    bad({ GODWIT_ROLES: 'journeys,mail' }, /GODWIT_ROLES="journeys,mail": unknown role mail; roles are a comma/);
    bad({ GODWIT_ROLES: ' , ' }, /GODWIT_ROLES=" , ": roles are a comma-separated list of profiles, segments/);
    bad({ GODWIT_PARTITIONS: '0' }, /GODWIT_PARTITIONS="0": must be between 1 and 1024/);
    bad({ GODWIT_CONCURRENCY: 'many' }, /GODWIT_CONCURRENCY="many"/);
    bad({ NATS_URL: 'nats://127.0.0.1:4222' }, /DATABASE_URL=\(unset\): must be set when NATS_URL is/);
    bad({ NATS_URL: 'nats://x', DATABASE_URL: pg, GODWIT_NATS_STREAM: 'a.b' }, /GODWIT_NATS_STREAM="a.b"/);
  });
});
