import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, startServerProcess } from '../app/test-processes.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'godwit-start-'));
const listening = (): Promise<{ server: Server; port: number }> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });

/** A start that cannot go ahead says so in one line naming the variable: no stack trace, exit 1. */
function assertOneLine(run: { code: number | null; stderr: string }, message: RegExp): void {
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, message);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
}

describe('godwit start (a real process)', () => {
  it('on a port in use stops with one line and creates nothing, so the next start shows the first credentials', async () => {
    const store = { dataDir: dataDir() };
    const { server, port } = await listening();
    try {
      const busy = await runCli(['start'], store, { env: { PORT: String(port) } });
      assertOneLine(
        busy,
        new RegExp(`^godwit: PORT=${port}: the port is already in use on 127\\.0\\.0\\.1 .*set PORT to a free port`),
      );
    } finally {
      server.close();
    }
    const started = await startServerProcess(store);
    try {
      assert.match(started.stdout(), /First start: created the workspace "Default"/);
      assert.match(started.stdout(), /Admin sign-in: {2}admin@godwit\.local \/ \S+/);
      assert.ok(started.firstStart, 'the keys were printed');
    } finally {
      await started.stop();
    }
  });

  it('names the variable when HOST, GODWIT_CHANNEL_PROVIDERS or GODWIT_MASTER_KEY is wrong', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ HOST: 'not.a.host' }, /^godwit: HOST=not\.a\.host: no such host name/],
      [
        { GODWIT_CHANNEL_PROVIDERS: 'email=bogus' },
        /^godwit: GODWIT_CHANNEL_PROVIDERS: "email=bogus": no provider bogus is configured \(configured: .*dev-sink\)/,
      ],
      [{ GODWIT_CHANNEL_PROVIDERS: 'sms=webhook' }, /"sms=webhook": webhook does not send sms messages/],
      [{ GODWIT_MASTER_KEY: 'short' }, /^godwit: GODWIT_MASTER_KEY: the master key must be 32 bytes/],
    ];
    const runs = await Promise.all(
      cases.map(([env]) => runCli(['start'], { dataDir: dataDir() }, { env: { PORT: '0', ...env } })),
    );
    for (const [i, run] of runs.entries()) assertOneLine(run, cases[i]?.[1] as RegExp);
  });
});
