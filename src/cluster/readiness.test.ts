import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGodwit, type Godwit } from '../app/godwit.ts';
import { freePort } from '../app/test-processes.ts';
import { NatsBus } from '../bus/nats-bus.ts';
import { type Config, parseConfig } from '../shared/config.ts';
import { createTestPostgresDatabase } from '../storage/test-databases.ts';
import type { Role } from './cluster-config.ts';

const NATS = 'nats://127.0.0.1:4222';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Readyz {
  status: string;
  checks: Record<string, string>;
  reason?: string;
}

/** `godwit api` and `godwit worker` in this process, on a fresh PostgreSQL database, each asked what /readyz says. */
describe('/readyz reports only what the process depends on', () => {
  const tag = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'godwit-readyz-'));
  const started: Godwit[] = [];
  let database: Awaited<ReturnType<typeof createTestPostgresDatabase>>;
  let config: (natsUrl: string) => Config;

  before(async () => {
    database = await createTestPostgresDatabase();
    config = (natsUrl) =>
      parseConfig({
        PORT: 0,
        LOG_LEVEL: 'silent',
        GODWIT_DATA_DIR: dir,
        DATABASE_URL: database.url,
        NATS_URL: natsUrl,
        GODWIT_NATS_STREAM: `GODWIT_READYZ_${tag}`,
        GODWIT_NATS_PREFIX: `readyz_${tag}`,
      });
  });

  after(async () => {
    for (const godwit of started) await godwit.close();
    const bus = await NatsBus.connect({
      url: NATS,
      stream: `GODWIT_READYZ_${tag}`,
      subjectPrefix: `readyz_${tag}`,
      partitions: 16,
    });
    await bus.destroy();
    await bus.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a process the way `godwit api` (no roles) or `godwit worker --roles …` (ops server) does. */
  async function startProcess(natsUrl: string, roles: Role[]): Promise<() => Promise<{ code: number; body: Readyz }>> {
    const godwit = await createGodwit(config(natsUrl));
    started.push(godwit);
    const url = await godwit.listen({ roles, ops: roles.length > 0 });
    return async () => {
      const response = await fetch(`${url}/readyz`);
      return { code: response.status, body: (await response.json()) as Readyz };
    };
  }

  it('the API and a delivery worker leave NATS out; a worker with a bus role checks it for real', async () => {
    const unreachable = `nats://127.0.0.1:${await freePort()}`;

    const api = await (await startProcess(unreachable, []))();
    assert.deepEqual([api.code, api.body.checks], [200, { store: 'ok', migrations: 'ok' }], 'godwit api');
    const delivery = await (await startProcess(unreachable, ['delivery']))();
    assert.deepEqual([delivery.code, delivery.body.checks], [200, { store: 'ok', migrations: 'ok' }], 'delivery');

    const journeys = await (await startProcess(unreachable, ['journeys']))();
    assert.equal(journeys.code, 503);
    assert.match(journeys.body.reason ?? '', /^bus: NATS at nats:\/\/127\.0\.0\.1:\d+: /);

    const relay = await startProcess(NATS, ['profiles']);
    let answer = await relay();
    for (let waited = 0; answer.code !== 200 && waited < 10_000; waited += 100) {
      await sleep(100);
      answer = await relay();
    }
    assert.deepEqual(answer.body.checks, { store: 'ok', migrations: 'ok', bus: 'ok' });
  });
});
