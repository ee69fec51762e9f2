import type { Channel } from '../delivery/channel-choice.ts';
import { liftOf } from './best-time.ts';
import { betaMean, exploringDraw, liftedPrior, posteriorOf, UNINFORMED_PRIOR } from './beta-model.ts';
import type { ChannelScore, ChannelStatus, CustomerEngagement, PopulationModel, Reason } from './decision-types.ts';

/**
 * Best channel: only eligible channels (consent, address, no suppression, healthy provider);
 * the customer's stated preference first; then Thompson sampling on each channel's posterior
 * (population prior + own counts) minus a weighted cost. Sampling rather than taking the mean
 * keeps trying channels whose rate is still uncertain, so a customer's best channel is found.
 */

export function whyIneligible(status: ChannelStatus): string[] {
  const why: string[] = [];
  if (!status.consented) why.push('no consent');
  if (!status.reachable) why.push('no address');
  if (status.suppressed) why.push('address suppressed');
  if (!status.providerHealthy) why.push('provider unhealthy');
  if (status.blocked) why.push(status.blocked);
  return why;
}

export interface Eligibility {
  readonly eligible: readonly Channel[];
  readonly reasons: readonly Reason[];
}

/**
 * The channels that can carry the message. A failing provider takes its channel out only while
 * another can go (`avoidUnhealthy`, for `best`): with no other, the message stays on it and the
 * outbox retries it when the provider recovers, rather than being dropped for a passing outage.
 */
export function eligibleChannels(statuses: readonly ChannelStatus[], avoidUnhealthy = true): Eligibility {
  const checked = statuses.map((status) => ({ status, why: whyIneligible(status) }));
  // Usable but for its provider: the only reason against it is that one.
  const usable = checked.filter(({ status, why }) => why.length === (status.providerHealthy ? 0 : 1));
  const healthy = usable.filter(({ status }) => status.providerHealthy);
  const eligible = (avoidUnhealthy && healthy.length > 0 ? healthy : usable).map(({ status }) => status.channel);
  const reasons: Reason[] = [];
  for (const { status, why } of checked) {
    if (!eligible.includes(status.channel)) reasons.push({ code: 'channel_ineligible', channel: status.channel, why });
    else if (!status.providerHealthy) reasons.push({ code: 'provider_unhealthy', channel: status.channel });
  }
  return { eligible, reasons };
}

export interface RankOptions {
  readonly channels: readonly Channel[];
  readonly preferred?: Channel;
  readonly engagement: CustomerEngagement;
  readonly population: PopulationModel;
  readonly costs: Partial<Readonly<Record<Channel, number>>>;
  readonly costWeight: number;
  /** 1: plain Thompson sampling; lower pulls each draw toward its posterior mean (`exploringDraw`). */
  readonly explore: number;
  readonly random: () => number;
}

/**
 * The customer's responsiveness across all channels against what the priors predict: someone who
 * answers more than the population on email probably does on SMS too, so an untried channel's
 * prior is scaled by it (`liftedPrior`).
 */
export function channelLift(engagement: CustomerEngagement, population: PopulationModel): number {
  let responses = 0;
  let expected = 0;
  for (const [channel, counts] of Object.entries(engagement.channels)) {
    if (!counts) continue;
    responses += Math.min(counts.responses, counts.sends);
    expected += counts.sends * betaMean(population.channels[channel as Channel] ?? UNINFORMED_PRIOR);
  }
  return liftOf(responses, expected);
}

/** Channels best first, each with its numbers. Draws one sample per channel, in the given order. */
export function rankChannels(options: RankOptions): ChannelScore[] {
  const lift = channelLift(options.engagement, options.population);
  const scores = options.channels.map((channel): ChannelScore => {
    const prior = liftedPrior(options.population.channels[channel] ?? UNINFORMED_PRIOR, lift);
    const counts = options.engagement.channels[channel] ?? { sends: 0, responses: 0 };
    const posterior = posteriorOf(prior, counts);
    const sample = exploringDraw(posterior, options.explore, options.random);
    const cost = options.costs[channel] ?? 0;
    return {
      channel,
      preferred: channel === options.preferred,
      prior,
      sends: counts.sends,
      responses: counts.responses,
      posteriorMean: betaMean(posterior),
      sample,
      cost,
      score: sample - options.costWeight * cost,
    };
  });
  // Nothing known yet about any of them, here or in the population: keep the given order (the
  // conventional one), so a new workspace sends as it would without decisioning until data comes in.
  const cold = options.channels.every(
    (c) => !options.population.channels[c] && !(options.engagement.channels[c]?.sends ?? 0),
  );
  return scores.sort((a, b) => Number(b.preferred) - Number(a.preferred) || (cold ? 0 : b.score - a.score));
}
