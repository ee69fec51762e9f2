import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDeliveryCrash } from './test-delivery-crash.ts';

/** SIGKILL the sending process mid-send, again and again: nothing lost, nothing sent twice, the unsure counted. */
describe('delivery crash drill', () => {
  it('150 customers × (email + SMS), 5 kills: SMS once each, email sent once or reported possibly sent', {
    timeout: 240_000,
  }, async () => {
    const report = await runDeliveryCrash({ customers: 150, kills: 5, seed: 5 });
    const { counts } = report;
    assert.deepEqual(report.problems, [], JSON.stringify(report, null, 2));
    assert.equal(counts.smsSent, 150);
    assert.equal(counts.emailsSent + counts.emailsPossiblySent, 150);
    assert.ok(
      report.kills.every((k) => k.inFlightSends > 0),
      'every kill came while the process was sending',
    );
    // What the drill measured, for the log: possibly sent and how many of those did arrive, SMS resent and deduped.
    console.log(JSON.stringify({ kills: report.kills, counts, wallMs: report.wallMs }));
  });
});
