import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDecision } from './decision-summary.ts';
import type { Reason } from './decision-types.ts';

const quiet: Reason = {
  code: 'quiet_hours',
  channel: 'sms',
  from: '21:00',
  to: '08:00',
  timeZone: 'Europe/Berlin',
  heldUntil: Date.UTC(2026, 2, 16, 7),
};

test("a delay reads in the customer's wall time, and a hold met twice is said once", () => {
  const summary = describeDecision(
    {
      outcome: 'delay',
      requestId: 'r1',
      channel: 'sms',
      at: Date.UTC(2026, 2, 16, 7),
      rerouted: false,
      preempts: [],
      reasons: [quiet, quiet],
    },
    'Europe/Berlin',
  );
  assert.equal(
    summary,
    'delayed to 2026-03-16 08:00 Europe/Berlin on sms: quiet hours 21:00–08:00 for sms in Europe/Berlin',
  );
});

test('a dropped message does not say it waits for a failing provider', () => {
  const reasons: Reason[] = [
    { code: 'provider_unhealthy', channel: 'email' },
    { code: 'past_deadline', notAfter: Date.UTC(2026, 2, 16, 12), wouldSendAt: Number.POSITIVE_INFINITY },
  ];
  assert.equal(
    describeDecision({ outcome: 'suppress', requestId: 'r1', reasons }, 'Asia/Shanghai'),
    'suppressed: would go after its deadline 2026-03-16 20:00 Asia/Shanghai',
  );
});

test('the holdout says which share is held out and where the bucket falls, not a comparison that reads false', () => {
  const reasons: Reason[] = [{ code: 'holdout', bucket: 1295, percent: 20 }];
  assert.equal(
    describeDecision({ outcome: 'suppress', requestId: 'r1', reasons }, 'UTC'),
    'suppressed: in the holdout group: the 20% of customers held out (bucket 1295 of 10000, below 2000)',
  );
});

test('a collision names the journey of the message it met, and when that goes', () => {
  const met = (withJourney?: string): Reason => ({
    code: 'collision',
    with: '01J9Z7:send:1',
    ...(withJourney === undefined ? {} : { withJourney }),
    withClass: 'service',
    at: Date.UTC(2026, 2, 16, 9),
    action: 'drop',
  });
  const dropped = (reason: Reason) =>
    describeDecision({ outcome: 'suppress', requestId: 'r1', reasons: [reason] }, 'Europe/Berlin');
  assert.equal(
    dropped(met('ticket_follow_up')),
    "suppressed: collides with journey ticket_follow_up's service message at 2026-03-16 10:00 Europe/Berlin: drop",
  );
  // Sent some other way: its outbox key is all there is to name it by.
  assert.match(dropped(met()), /collides with 01J9Z7:send:1 service message at/);
});
