import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runJourneyCrash } from './test-crash-run.ts';

const CUSTOMERS = 2_000;
const KILLS = 3;

describe('journey runtime under SIGKILL', () => {
  it('finishes every customer once, with no duplicate sends and no lost runs, through kills and restarts', async () => {
    // Sign-ups trickle in for about 8 s, so kills land in ingestion, in catch-up after a restart and in waits.
    const report = await runJourneyCrash({
      customers: CUSTOMERS,
      kills: KILLS,
      seed: 1,
      batchCustomers: 50,
      rate: 250,
      maxUptimeMs: 10_000,
      stallMs: 20_000,
      timeoutMs: 120_000,
    });
    const { counts } = report;
    const context = JSON.stringify({ counts, kills: report.kills, logs: report.serverLogs.slice(-2000) }, null, 1);
    assert.deepEqual(report.problems, [], context);
    assert.equal(report.kills.length, KILLS);
    assert.ok(counts.requestsCutOff >= 0);
    assert.equal(counts.acknowledgedCustomers, CUSTOMERS);
    assert.equal(counts.acknowledgedEventsLost, 0);
    assert.equal(counts.runs, CUSTOMERS);
    assert.equal(counts.lostRuns, 0);
    assert.equal(counts.customersWithSeveralRuns, 0);
    assert.equal(counts.runsCompleted, CUSTOMERS);
    assert.equal(counts.outboxRows, 3 * CUSTOMERS);
    assert.equal(counts.outboxDistinctKeys, 3 * CUSTOMERS);
    assert.equal(counts.runsWithoutThreeSends, 0);
    assert.equal(counts.duplicateSends, 0);
    assert.equal(counts.timersLeft, 0);
  });
});
