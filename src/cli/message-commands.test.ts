import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { runCli } from '../app/test-processes.ts';
import { addOutbox, outboxEntry } from '../delivery/test-delivery.ts';

describe('godwit messages (CLI)', () => {
  let t: TestGodwit;
  const godwit = (...args: string[]) => runCli(['messages', ...args], { dataDir: t.dataDir });
  const at = Date.UTC(2031, 4, 6, 1, 0);
  before(async () => {
    t = await startTestGodwit();
    await addOutbox(t.godwit.store, [
      outboxEntry('held:1', {
        workspaceId: t.workspaceId,
        status: 'scheduled',
        nextAttemptAt: at,
        payload: { template: 'cart_reminder', address: 'ada@example.com', decision: 'delayed: quiet hours' },
      }),
      outboxEntry('queued:1', { workspaceId: t.workspaceId, status: 'suppressed' }),
    ]);
  });
  after(() => t.close());

  it('lists the messages the policy holds with --status scheduled, each with when it goes', async () => {
    const run = await godwit('--status', 'scheduled');
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 1, run.stdout);
    assert.match(lines[0] ?? '', /scheduled .* held:1 {2}goes at 2031-05-06T01:00:00\.000Z$/);
  });

  it('refuses a status there is none of, naming the ones there are', async () => {
    const run = await godwit('--status', 'lost');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--status must be one of scheduled, pending, .*suppressed/);
  });
});
