import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runClusterDrill } from './cluster-drill.ts';

const customers = Number(process.env.GODWIT_DRILL_CUSTOMERS ?? 2_000);

/**
 * 2 API + 3 worker processes, a worker killed with SIGKILL every few seconds and restarted, NATS
 * restarted once. PostgreSQL is not restarted here: other tests share the server (the bench's
 * `cluster --drill` restarts it too). Restarting NATS cuts other tests' NATS connections for about
 * a second; the bus clients reconnect.
 */
describe('scale-out failure drill', () => {
  it(`takes ${customers} customers through a journey with waits and sends: all finish, none twice, no event lost`, {
    timeout: 900_000,
  }, async () => {
    const report = await runClusterDrill({
      customers,
      killEveryMs: 4_000,
      wait: '2s',
      log: process.env.GODWIT_DRILL_LOG ? (line) => console.error(line) : undefined,
    });
    const c = report.counts;
    assert.deepEqual(report.problems, [], `${report.problems.join('\n')}\n${report.logs}`);
    assert.ok(report.kills >= 3, `only ${report.kills} workers killed`);
    assert.equal(report.natsRestarts, 1);
    assert.equal(c.runsCompleted, customers);
    assert.equal(c.outboxRows, 3 * customers);
    assert.equal(c.duplicateSends, 0);
    assert.equal(c.acknowledgedEventsLost, 0);
    assert.equal(report.deadLetters, 0);
    assert.equal(report.undelivered, 0);
  });
});
