import type { Channel } from '../../delivery/channel-choice.ts';
import type { DecisionStore, PopulationAggregates } from '../../storage/decision-store.ts';
import { populationHourRates } from '../best-time.ts';
import { type BetaPrior, fitBetaPrior } from '../beta-model.ts';
import { HOURS_OF_WEEK, type PopulationModel } from '../decision-types.ts';
import type { Policy } from '../policy-schema.ts';

/**
 * The population model per workspace (channel priors by empirical Bayes, hour-of-week rates per
 * channel), refitted from the engagement counters every `ttlMs` (default an hour) and cached in
 * process: two aggregate queries per workspace per refit, none per decision.
 */
export class PopulationCache {
  private readonly fitted = new Map<string, { model: PopulationModel; at: number }>();

  constructor(
    private readonly store: DecisionStore,
    private readonly ttlMs = 3_600_000,
  ) {}

  async get(workspaceId: string, policy: Policy, now: number): Promise<PopulationModel> {
    const held = this.fitted.get(workspaceId);
    if (held && now - held.at < this.ttlMs && now >= held.at) return held.model;
    const model = populationModelOf(await this.store.population(workspaceId), policy);
    this.fitted.set(workspaceId, { model, at: now });
    return model;
  }
}

export function populationModelOf(aggregates: PopulationAggregates, policy: Policy): PopulationModel {
  const fit = {
    minStrength: policy.learning.minPriorStrength,
    maxStrength: policy.learning.maxPriorStrength,
    minCustomers: policy.learning.minCustomers,
  };
  const channels: Partial<Record<Channel, BetaPrior>> = {};
  for (const c of aggregates.channels) channels[c.channel as Channel] = fitBetaPrior(c, fit);
  const counts = new Map<string, { sends: Float64Array; responses: Float64Array }>();
  for (const h of aggregates.hours) {
    let held = counts.get(h.channel);
    if (!held) {
      held = { sends: new Float64Array(HOURS_OF_WEEK), responses: new Float64Array(HOURS_OF_WEEK) };
      counts.set(h.channel, held);
    }
    held.sends[h.hourOfWeek] = h.sends;
    held.responses[h.hourOfWeek] = h.responses;
  }
  const hourRates: Partial<Record<Channel, Float64Array>> = {};
  for (const [channel, held] of counts) hourRates[channel as Channel] = populationHourRates(held);
  return { channels, hourRates };
}
