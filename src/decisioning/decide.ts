import type { Channel } from '../delivery/channel-choice.ts';
import { approximateMs, parseDuration } from '../journeys/duration.ts';
import { candidateSlots, chooseSlot } from './best-time.ts';
import { eligibleChannels, rankChannels } from './channel-ranking.ts';
import { resolveCollisions } from './collisions.ts';
import type { Decision, DecisionContext, DecisionRequest, Reason } from './decision-types.ts';
import { applyFrequencyCaps } from './frequency-caps.ts';
import type { Policy } from './policy-schema.ts';
import { applyQuietHours, quietRuleAt } from './quiet-hours.ts';
import { holdoutReason, matchSuppression } from './suppression-rules.ts';
import { minuteOfDayOfWall, zoneClock } from './zone-clock.ts';

/**
 * The one entry point: should this message go, on which channel, and when. Pure: the customer's
 * data, the policy, `now` and `random` come in; a `Decision` with every reason and number goes out.
 *
 *   holdout → suppression rules → eligible channels → rank (preference, Thompson − cost)
 *   → time (now or best slot) → holds (quiet hours, caps, collisions) → reroute or delay → deadline
 */

export interface DecideOptions {
  readonly request: DecisionRequest;
  readonly context: DecisionContext;
  readonly policy: Policy;
  readonly now: number;
  readonly random: () => number;
}

interface Planned {
  readonly channel: Channel;
  readonly at: number;
  readonly preempts: readonly { readonly id: string; readonly action: 'delay' | 'drop' }[];
  readonly reasons: readonly Reason[];
  readonly dropped: boolean;
}

export function decide(input: DecideOptions): Decision {
  // A scheduled send decided again is among the customer's known sends: it neither caps nor collides with itself.
  const options = {
    ...input,
    context: { ...input.context, sends: input.context.sends.filter((s) => s.id !== input.request.id) },
  };
  const { request, context, policy, now } = options;
  const suppress = (reasons: readonly Reason[]): Decision => ({ outcome: 'suppress', requestId: request.id, reasons });
  const holdout = holdoutReason(policy, context.customerId, request.messageClass);
  if (holdout) return suppress([holdout]);
  const rule = matchSuppression(policy.suppression, { now, ...context, messageClass: request.messageClass });
  if (rule) return suppress([rule]);

  const eligibility = eligibleChannels(context.channels, request.channel === 'best');
  const reasons: Reason[] = [...eligibility.reasons];
  const candidates = candidateChannels(options, eligibility.eligible, reasons);
  if (candidates.length === 0)
    return suppress([...reasons, { code: 'no_channel', tried: context.channels.map((c) => c.channel) }]);

  const fixed = request.channel !== 'best';
  const tries = fixed || !policy.reroute ? candidates.slice(0, 1) : candidates;
  let chosen: Planned | undefined;
  let first: Planned | undefined;
  for (const channel of tries) {
    const planned = plan(options, channel);
    first ??= planned;
    const wanted = planned.reasons.find((r) => r.code === 'best_time');
    const unheld = !planned.dropped && planned.at === (wanted?.code === 'best_time' ? wanted.chosen.at : now);
    if (unheld) {
      chosen = planned;
      break;
    }
  }
  const top = first as Planned;
  const final = chosen ?? top;
  if (final !== top) {
    const held = top.reasons.find((r) => r.code !== 'best_time');
    reasons.push(...top.reasons, { code: 'rerouted', from: top.channel, to: final.channel, why: held?.code ?? 'held' });
  }
  reasons.push(...final.reasons);
  if (final.dropped) return suppress(reasons);
  if (!Number.isFinite(final.at) || (request.notAfter !== undefined && final.at > request.notAfter)) {
    reasons.push({ code: 'past_deadline', notAfter: request.notAfter ?? now, wouldSendAt: final.at });
    return suppress(reasons);
  }
  return {
    outcome: final.at <= now ? 'send' : 'delay',
    requestId: request.id,
    channel: final.channel,
    at: Math.max(now, final.at),
    rerouted: final !== top,
    preempts: final.preempts,
    reasons,
  };
}

const parsedDurations = new Map<string, number>();

/** A policy's duration text in ms, parsed once per process (a policy has a handful). */
export function durationMs(text: string): number {
  let ms = parsedDurations.get(text);
  if (ms === undefined) {
    ms = approximateMs(parseDuration(text));
    parsedDurations.set(text, ms);
  }
  return ms;
}

function candidateChannels(options: DecideOptions, eligible: readonly Channel[], reasons: Reason[]): Channel[] {
  const { request, context, policy } = options;
  if (request.channel !== 'best') {
    if (!eligible.includes(request.channel)) return [];
    reasons.push({ code: 'fixed_channel', channel: request.channel });
    return [request.channel];
  }
  if (eligible.length === 0) return [];
  const scores = rankChannels({
    channels: eligible,
    preferred: context.preferredChannel,
    engagement: context.engagement,
    population: context.population,
    costs: policy.costs,
    costWeight: policy.costWeight,
    explore: policy.learning.explore,
    random: options.random,
  });
  const ranked = scores.map((s) => s.channel);
  reasons.push({ code: 'channel_scores', chosen: ranked[0] as Channel, scores });
  return ranked;
}

/** When this channel could send: the best slot (if asked), then held by quiet hours, caps and collisions. */
function plan(options: DecideOptions, channel: Channel): Planned {
  const { request, context, policy, now } = options;
  const reasons: Reason[] = [];
  let at = now;
  if (request.timing.type === 'best_time') {
    const all = candidateSlots(now, request.timing.windowMs, context.timeZone);
    const clock = zoneClock(now, now + request.timing.windowMs, context.timeZone);
    const rules = { channel, messageClass: request.messageClass, rules: policy.quietHours };
    const open = all.filter((slot) => !quietRuleAt(minuteOfDayOfWall(clock.wall(slot)), rules));
    const choice = chooseSlot({
      slots: open.length > 0 ? open : all,
      timeZone: context.timeZone,
      hours: context.engagement.hours,
      populationRates: context.population.hourRates?.[channel],
      hourStrength: policy.learning.hourStrength,
      choice: policy.learning.timeChoice,
      random: options.random,
    });
    reasons.push({ code: 'best_time', chosen: choice.chosen, slots: choice.slots, by: policy.learning.timeChoice });
    at = choice.chosen.at;
  }
  const windowMs = durationMs(policy.collisions.window);
  let preempts: Planned['preempts'] = [];
  let wins: Reason[] = [];
  for (let round = 0; round < 10; round += 1) {
    const start = at;
    const quiet = applyQuietHours({
      at,
      channel,
      messageClass: request.messageClass,
      timeZone: context.timeZone,
      rules: policy.quietHours,
    });
    const capped = applyFrequencyCaps({
      at: quiet.at,
      channel,
      messageClass: request.messageClass,
      caps: policy.caps,
      sends: context.sends,
    });
    reasons.push(...quiet.reasons, ...capped.reasons);
    if (!Number.isFinite(capped.at)) return { channel, at: capped.at, preempts, reasons, dropped: false };
    const collision = resolveCollisions({
      now,
      at: capped.at,
      requestId: request.id,
      messageClass: request.messageClass,
      sends: context.sends,
      windowMs,
      loser: policy.collisions.loser,
      held: policy.collisions.classes,
    });
    // Held and dropped each round; "wins" only as of the final time.
    reasons.push(...collision.reasons.filter((r) => r.code !== 'collision' || r.action !== 'wins'));
    if (collision.dropped) return { channel, at, preempts, reasons, dropped: true };
    preempts = collision.preempts;
    wins = collision.reasons.filter((r) => r.code === 'collision' && r.action === 'wins');
    at = collision.at;
    if (at === start) break;
  }
  return { channel, at, preempts, reasons: [...reasons, ...wins], dropped: false };
}
