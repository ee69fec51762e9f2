import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Channel } from '../delivery/channel-choice.ts';
import { seededRandom } from '../journeys/seeded-random.ts';
import { channelLift, eligibleChannels, rankChannels } from './channel-ranking.ts';

const population = { channels: { email: { alpha: 1, beta: 9 }, sms: { alpha: 1, beta: 9 } } };

test('Thompson sampling converges to the better channel on synthetic data', () => {
  const random = seededRandom(3);
  const truth: Record<string, number> = { email: 0.08, sms: 0.16 };
  const counts = { email: { sends: 0, responses: 0 }, sms: { sends: 0, responses: 0 } };
  let smsLate = 0;
  for (let round = 0; round < 3000; round += 1) {
    const [best] = rankChannels({
      channels: ['email', 'sms'],
      engagement: { channels: counts },
      population,
      costs: {},
      costWeight: 1,
      explore: 1,
      random,
    });
    const channel = best?.channel as 'email' | 'sms';
    const c = counts[channel];
    counts[channel] = { sends: c.sends + 1, responses: c.responses + (random() < (truth[channel] ?? 0) ? 1 : 0) };
    if (round >= 2000 && channel === 'sms') smsLate += 1;
  }
  assert.ok(smsLate > 900, `sms chosen ${smsLate} of the last 1000`);
  assert.ok(counts.email.sends > 20, 'the worse channel was still tried');
});

test('stated preference ranks first; cost weighs against engagement', () => {
  const engagement = { channels: { email: { sends: 1000, responses: 100 }, sms: { sends: 1000, responses: 150 } } };
  const base = {
    channels: ['email', 'sms'] as Channel[],
    engagement,
    population,
    costWeight: 1,
    explore: 1,
    random: seededRandom(4),
  };
  assert.equal(rankChannels({ ...base, costs: {} })[0]?.channel, 'sms');
  assert.equal(rankChannels({ ...base, costs: {}, preferred: 'email' })[0]?.channel, 'email');
  const costly = rankChannels({ ...base, costs: { sms: 0.1 } });
  assert.equal(costly[0]?.channel, 'email', 'a 15% rate at cost 0.1 scores below 10% for free');
  const sms = costly.find((s) => s.channel === 'sms');
  assert.ok(sms && Math.abs(sms.score - (sms.sample - 0.1)) < 1e-12);
});

test('eligibility needs consent, an address, no suppression and a healthy provider, and says why not', () => {
  const result = eligibleChannels([
    { channel: 'email', consented: true, reachable: true, providerHealthy: true },
    { channel: 'sms', consented: false, reachable: true, providerHealthy: true },
    { channel: 'push', consented: true, reachable: false, providerHealthy: false },
    { channel: 'whatsapp', consented: true, reachable: true, suppressed: true, providerHealthy: true },
  ]);
  assert.deepEqual(result.eligible, ['email']);
  assert.deepEqual(result.reasons, [
    { code: 'channel_ineligible', channel: 'sms', why: ['no consent'] },
    { code: 'channel_ineligible', channel: 'push', why: ['no address', 'provider unhealthy'] },
    { code: 'channel_ineligible', channel: 'whatsapp', why: ['address suppressed'] },
  ]);
});

test('a failing provider takes its channel out only while another can go', () => {
  const email = { channel: 'email', consented: true, reachable: true, providerHealthy: false } as const;
  const sms = { channel: 'sms', consented: true, reachable: true, providerHealthy: true } as const;
  const avoided = eligibleChannels([email, sms]);
  assert.deepEqual(avoided, {
    eligible: ['sms'],
    reasons: [{ code: 'channel_ineligible', channel: 'email', why: ['provider unhealthy'] }],
  });
  const alone = { eligible: ['email'], reasons: [{ code: 'provider_unhealthy', channel: 'email' }] };
  assert.deepEqual(eligibleChannels([email, { ...sms, consented: false }]).eligible, ['email'], 'no other can go');
  assert.deepEqual(eligibleChannels([email]), alone);
  assert.deepEqual(eligibleChannels([email, sms], false).eligible, ['email', 'sms'], 'a fixed channel keeps it');
});

test('an untried channel starts at the population prior scaled by the customer lift on the others', () => {
  const keen = { channels: { email: { sends: 30, responses: 9 } } };
  const lift = channelLift(keen, population);
  assert.ok(lift > 1.5, `9 of 30 against 10% expected: lift ${lift}`);
  const base = { channels: ['email', 'sms'] as Channel[], population, costs: {}, costWeight: 0, explore: 0 };
  const sms = rankChannels({ ...base, engagement: keen, random: seededRandom(1) }).find((s) => s.channel === 'sms');
  assert.ok(sms && Math.abs(sms.posteriorMean - 0.1 * lift) < 1e-9 && sms.prior.alpha + sms.prior.beta === 10);
  assert.equal(channelLift({ channels: {} }, population), 1, 'no history: the population prior as is');
});

test('explore 0 ranks by posterior mean; 1 samples', () => {
  const engagement = { channels: { email: { sends: 20, responses: 3 }, sms: { sends: 20, responses: 2 } } };
  const base = { channels: ['email', 'sms'] as Channel[], engagement, population, costs: {}, costWeight: 0 };
  const firsts = (explore: number) => {
    const random = seededRandom(8);
    const seen = new Set<Channel>();
    for (let k = 0; k < 200; k += 1) seen.add(rankChannels({ ...base, explore, random })[0]?.channel as Channel);
    return seen;
  };
  assert.deepEqual([...firsts(0)], ['email']);
  assert.equal(firsts(1).size, 2);
});
