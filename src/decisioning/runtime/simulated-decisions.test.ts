import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { wallTime } from '../../journeys/local-time.ts';
import { callApi, cartCustomer, DAY, HOUR, iso, sendBatch, T0 } from '../../journeys/test-journey-api.ts';
import { ManualClock } from '../../shared/clock.ts';

/** The journey simulator returns what the decision engine would do with each send, under the workspace's policy. */
describe('simulated decisions', () => {
  let t: TestGodwit;
  before(async () => {
    t = await startTestGodwit({ clock: new ManualClock(T0 + 5 * HOUR) });
    await sendBatch(t, cartCustomer('ada', 'k1', T0));
  });
  after(() => t.close());

  it('each simulated message carries its decision; an earlier simulated send counts against a later one', async () => {
    const sim = await callApi(t, 'POST', '/v1/journeys/simulate', {
      catalogId: 'abandoned-cart',
      customer: 'ada@example.com',
      now: iso(T0 + 5 * HOUR),
    });
    assert.equal(sim.status, 200, JSON.stringify(sim.body));
    const [reminder, discount] = sim.body.messages;
    assert.equal(reminder.decision.outcome, 'send');
    assert.equal(reminder.decision.channel, 'email');
    // The discount comes 18 hours after the reminder: the default policy's one marketing message a day holds it.
    assert.equal(discount.decision.outcome, 'delay', discount.decision.summary);
    assert.equal(discount.decision.at, T0 + 6 * HOUR + DAY);
    assert.ok(discount.decision.reasons.some((r: { code: string }) => r.code === 'frequency_cap'));
    assert.match(discount.decision.summary, /cap 1 per day/);
  });

  it("words a hold on the customer's wall clock, as the decision does, and starts from the server's clock", async () => {
    // No `now`: the simulation starts at the server's clock (T0 + 5 h), not the machine's.
    const sim = await callApi(t, 'POST', '/v1/journeys/simulate', {
      catalogId: 'abandoned-cart',
      customer: 'ada@example.com',
    });
    assert.equal(sim.status, 200, JSON.stringify(sim.body));
    const [reminder, discount] = sim.body.messages;
    assert.ok(Date.parse(reminder.at) >= T0 + 5 * HOUR && Date.parse(reminder.at) < T0 + 2 * DAY, reminder.at);
    assert.equal(discount.decision.outcome, 'delay', `${reminder.at} ${discount.at} ${discount.decision.summary}`);
    const local = wallTime(discount.decision.at, 'Europe/Berlin'); // ada's zone
    assert.match(discount.decision.summary, new RegExp(`^delayed to ${local} on email`));
    assert.equal(discount.what, `delayed until ${local} on email`);
  });

  it('follows the policy the workspace applied', async () => {
    assert.equal((await callApi(t, 'PUT', '/v1/policy', { holdout: { percent: 100 } })).status, 200);
    const sim = await callApi(t, 'POST', '/v1/journeys/simulate', {
      catalogId: 'abandoned-cart',
      customer: 'ada@example.com',
      now: iso(T0 + 5 * HOUR),
    });
    assert.deepEqual(
      sim.body.messages.map((m: { decision: { outcome: string } }) => m.decision.outcome),
      ['suppress', 'suppress'],
      'everyone in the holdout',
    );
  });
});
