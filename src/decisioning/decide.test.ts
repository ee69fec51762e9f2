import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Channel } from '../delivery/channel-choice.ts';
import { seededRandom } from '../journeys/seeded-random.ts';
import { decide } from './decide.ts';
import type { Decision, DecisionContext, DecisionRequest, KnownSend } from './decision-types.ts';
import { DEFAULT_POLICY, type Policy, policySchema } from './policy-schema.ts';

const HOUR = 3_600_000;
const now = Date.UTC(2025, 5, 10, 10); // 18:00 in Shanghai
const request: DecisionRequest = { id: 'r1', messageClass: 'marketing', channel: 'best', timing: { type: 'now' } };

function contextWith(overrides: Partial<DecisionContext> = {}): DecisionContext {
  const channels: Channel[] = ['email', 'sms'];
  return {
    customerId: 'ada',
    timeZone: 'Asia/Shanghai',
    traits: {},
    segments: [],
    channels: channels.map((channel) => ({ channel, consented: true, reachable: true, providerHealthy: true })),
    engagement: { channels: { email: { sends: 40, responses: 2 }, sms: { sends: 40, responses: 20 } } },
    population: { channels: { email: { alpha: 1, beta: 9 }, sms: { alpha: 1, beta: 9 } } },
    recentEvents: [],
    sends: [],
    ...overrides,
  };
}

const run = (
  options: {
    req?: Partial<DecisionRequest>;
    ctx?: Partial<DecisionContext>;
    policy?: Policy;
    at?: number;
    seed?: number;
  } = {},
) =>
  decide({
    request: { ...request, ...options.req },
    context: contextWith(options.ctx),
    policy: options.policy ?? DEFAULT_POLICY,
    now: options.at ?? now,
    random: seededRandom(options.seed ?? 1),
  });

test('best channel: sends now on the engaged channel, with the posterior numbers', () => {
  const decision = run();
  assert.equal(decision.outcome, 'send');
  assert.ok(decision.outcome === 'send' && decision.channel === 'sms' && decision.at === now && !decision.rerouted);
  const scores = decision.reasons.find((r) => r.code === 'channel_scores');
  assert.ok(scores?.code === 'channel_scores');
  const sms = scores.scores.find((s) => s.channel === 'sms');
  assert.deepEqual({ sends: sms?.sends, responses: sms?.responses }, { sends: 40, responses: 20 });
  // The population's 1 + 9 moved up by this customer's lift (they answer above the prior's 10%).
  const prior = sms?.prior ?? { alpha: 0, beta: 0 };
  assert.ok(Math.abs(prior.alpha + prior.beta - 10) < 1e-9 && prior.alpha > 1, JSON.stringify(prior));
  assert.equal(sms?.posteriorMean, (prior.alpha + 20) / 50);
  assert.ok(typeof sms?.sample === 'number' && sms.sample > 0 && sms.sample < 1);
});

test('the same seed gives the same decision', () => {
  assert.deepEqual(run({ seed: 9 }), run({ seed: 9 }));
});

test('quiet hours reroute to the next channel, or delay when rerouting is off, with the window in the reasons', () => {
  const night = Date.UTC(2025, 5, 10, 14); // 22:00 in Shanghai
  const rerouted = run({ at: night });
  assert.ok(rerouted.outcome === 'send' && rerouted.channel === 'email' && rerouted.rerouted);
  assert.ok(
    rerouted.reasons.some(
      (r) => r.code === 'rerouted' && r.from === 'sms' && r.to === 'email' && r.why === 'quiet_hours',
    ),
  );
  const held = run({ at: night, policy: { ...DEFAULT_POLICY, reroute: false } });
  assert.ok(held.outcome === 'delay' && held.channel === 'sms' && held.at === Date.UTC(2025, 5, 11, 0));
  const quiet = held.reasons.find((r) => r.code === 'quiet_hours');
  assert.deepEqual(quiet, {
    code: 'quiet_hours',
    channel: 'sms',
    from: '21:00',
    to: '08:00',
    timeZone: 'Asia/Shanghai',
    heldUntil: held.at,
  });
});

test('caps and their counts appear in the reasons; past the deadline the send is dropped', () => {
  const sends: KnownSend[] = [{ id: 'p', channel: 'email', messageClass: 'marketing', at: now - 2 * HOUR }];
  const decision = run({ ctx: { sends } });
  assert.ok(decision.outcome === 'delay' && decision.at === now + 22 * HOUR);
  const cap = decision.reasons.find((r) => r.code === 'frequency_cap');
  assert.deepEqual(cap, {
    code: 'frequency_cap',
    channel: 'all',
    per: 'day',
    max: 1,
    count: 1,
    heldUntil: now + 22 * HOUR,
  });
  const late = run({ ctx: { sends }, req: { notAfter: now + HOUR } });
  assert.equal(late.outcome, 'suppress');
  assert.ok(late.reasons.some((r) => r.code === 'past_deadline' && r.wouldSendAt === now + 22 * HOUR));
});

test('suppressed: holdout, rules and no eligible channel each say why', () => {
  const holdout = policySchema.parse({ holdout: { percent: 100 } });
  assert.equal(run({ policy: holdout }).reasons[0]?.code, 'holdout');
  const none = run({
    ctx: { channels: [{ channel: 'sms', consented: false, reachable: true, providerHealthy: true }] },
  });
  assert.deepEqual(none.reasons, [
    { code: 'channel_ineligible', channel: 'sms', why: ['no consent'] },
    { code: 'no_channel', tried: ['sms'] },
  ]);
  const fixed = run({ req: { channel: 'email' } });
  assert.ok(fixed.outcome === 'send' && fixed.channel === 'email');
});

test('best time: the slot with the population peak, scored per slot in the reasons', () => {
  const peak = Float64Array.from({ length: 168 }, (_, h) => (h % 24 === 20 ? 0.3 : 0.05));
  const decision = run({
    req: { timing: { type: 'best_time', windowMs: 24 * HOUR }, channel: 'email' },
    ctx: { population: { channels: {}, hourRates: { email: peak } } },
  });
  assert.ok(decision.outcome === 'delay' && decision.at === Date.UTC(2025, 5, 10, 12)); // 20:00 Shanghai
  const best = decision.reasons.find((r) => r.code === 'best_time');
  assert.ok(best?.code === 'best_time' && best.chosen.populationRate === 0.3 && best.slots.length === 24);
});

test('a month of hourly send attempts across zones and DST: nothing inside quiet hours or over a cap', () => {
  const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin'];
  const start = Date.UTC(2025, 2, 1); // through the March DST changes in New York (9th) and Berlin (30th)
  const random = seededRandom(11);
  for (const timeZone of zones) {
    const sends: KnownSend[] = [];
    const decisions: Decision[] = [];
    for (let t = start; t < start + 31 * 24 * HOUR; t += HOUR) {
      const messageClass =
        (['marketing', 'service', 'transactional'] as const)[Math.floor(random() * 3)] ?? 'marketing';
      const decision = decide({
        request: {
          id: `m${t}`,
          messageClass,
          channel: 'best',
          timing: { type: random() < 0.5 ? 'now' : 'best_time', windowMs: 24 * HOUR } as DecisionRequest['timing'],
        },
        context: contextWith({ timeZone, sends }),
        policy: { ...DEFAULT_POLICY, reroute: random() < 0.5 },
        now: t,
        random,
      });
      decisions.push(decision);
      if (decision.outcome !== 'suppress')
        sends.push({ id: decision.requestId, channel: decision.channel, messageClass, at: decision.at });
    }
    assert.ok(sends.length > 100);
    for (const s of sends) {
      const hour = Number(
        new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(s.at),
      );
      if (s.channel === 'sms' && s.messageClass !== 'transactional')
        assert.ok(hour >= 8 && hour < 21, `${s.id} sms at ${hour}:00 ${timeZone}`);
      if (s.messageClass !== 'marketing') continue;
      const day = sends.filter((o) => o.messageClass === 'marketing' && o.at > s.at - 24 * HOUR && o.at <= s.at).length;
      const week = sends.filter(
        (o) => o.messageClass === 'marketing' && o.at > s.at - 168 * HOUR && o.at <= s.at,
      ).length;
      assert.ok(day <= 1 && week <= 3, `${s.id}: ${day}/day ${week}/week`);
    }
  }
});

test("a failing provider: best goes elsewhere; a fixed channel keeps it and waits for the outbox's retries", () => {
  const smsFailing = contextWith().channels.map((c) => ({ ...c, providerHealthy: c.channel !== 'sms' }));
  const best = run({ ctx: { channels: smsFailing } });
  assert.ok(best.outcome === 'send' && best.channel === 'email', 'the engaged channel is failing: the other one');
  assert.ok(best.reasons.some((r) => r.code === 'channel_ineligible' && r.channel === 'sms'));
  const fixed = run({ req: { channel: 'sms', messageClass: 'transactional' }, ctx: { channels: smsFailing } });
  assert.ok(fixed.outcome === 'send' && fixed.channel === 'sms', 'not dropped for a passing outage');
  assert.deepEqual(
    fixed.reasons.filter((r) => r.code === 'provider_unhealthy'),
    [{ code: 'provider_unhealthy', channel: 'sms' }],
  );
});
