import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BusUnavailableError } from './bus.ts';
import { NatsBus } from './nats-bus.ts';
import { NATS_URL } from './test-bus-adapters.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('NatsBus (NATS only)', () => {
  it('names the URL when NATS cannot be reached', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const error = await NatsBus.connect({ url }).catch((e) => e);
    assert.ok(error instanceof BusUnavailableError, String(error));
    assert.equal(error.status, 503);
    assert.match(error.message, new RegExp(`cannot reach NATS at ${url}`));
  });

  it('refuses a stream made with another partition count', async () => {
    const stream = `GODWIT_TEST_${randomBytes(4).toString('hex')}`;
    const subjectPrefix = stream.toLowerCase();
    const bus = await NatsBus.connect({ url: NATS_URL, stream, subjectPrefix, partitions: 4 });
    try {
      const error = await NatsBus.connect({ url: NATS_URL, stream, subjectPrefix, partitions: 8 }).catch((e) => e);
      assert.match(String(error?.message), /has 4 partitions but 8 are configured/);
    } finally {
      await bus.destroy();
      await bus.close();
    }
  });

  it('fails a publish with BusUnavailableError while NATS is down, and publishes again once it is back', async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'godwit-nats-'));
    const start = () =>
      spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    let server = start();
    const url = `nats://127.0.0.1:${port}`;
    try {
      let bus: NatsBus | undefined;
      for (let i = 0; i < 50 && !bus; i++)
        bus = await NatsBus.connect({ url, publishTimeoutMs: 1_000 }).catch(() => sleep(100).then(() => undefined));
      assert.ok(bus, 'private nats-server came up');
      await bus.publish([{ key: 'k', id: 'a', payload: 'before' }]);
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      const error = await bus.publish([{ key: 'k', id: 'b', payload: 'during' }]).catch((e) => e);
      assert.ok(error instanceof BusUnavailableError, String(error));
      assert.match(error.message, new RegExp(`NATS at ${url}`));
      server = start();
      let sent = false;
      for (let i = 0; i < 50 && !sent; i++) {
        sent = await bus.publish([{ key: 'k', id: 'b', payload: 'after' }]).then(
          () => true,
          () => sleep(200).then(() => false),
        );
      }
      assert.ok(sent, 'publishes again after NATS restarts');
      await bus.destroy();
      await bus.close();
    } finally {
      server.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
