import { wallTime } from '../journeys/local-time.ts';
import type { Decision, Reason } from './decision-types.ts';

/**
 * A decision in one line of words, for the outbox entry's `decision` and the timeline; the reasons
 * with their numbers stay next to it for anyone who wants the detail.
 */
export function describeDecision(decision: Decision, timeZone: string): string {
  // A dropped message waits for nothing, so a failing provider is no part of why; a hold met twice is said once.
  const reasons = decision.reasons.filter((r) => decision.outcome !== 'suppress' || r.code !== 'provider_unhealthy');
  const why = [...new Set(reasons.map((r) => describeReason(r, timeZone)))].filter((t) => t !== '');
  const because = why.length > 0 ? `: ${why.join('; ')}` : '';
  if (decision.outcome === 'suppress') return `suppressed${because}`;
  const on = `on ${decision.channel}`;
  if (decision.outcome === 'send') return `send now ${on}${because}`;
  return `delayed to ${wallTime(decision.at, timeZone)} ${on}${because}`;
}

function describeReason(reason: Reason, timeZone: string): string {
  switch (reason.code) {
    case 'holdout':
      // Buckets run 0–9999 and the held-out ones are those below percent × 100: "bucket 22 < 20%" read as a false sum.
      return `in the holdout group: the ${reason.percent}% of customers held out (bucket ${reason.bucket} of 10000, below ${Math.round(reason.percent * 100)})`;
    case 'suppression_rule':
      return `rule ${reason.rule} (${reason.matched.join(', ')})`;
    case 'channel_ineligible':
      return `${reason.channel}: ${reason.why.join(', ')}`;
    case 'provider_unhealthy':
      return `the ${reason.channel} provider is failing; no other channel can go, so it waits for the retries`;
    case 'no_channel':
      return 'no channel can reach the customer';
    case 'fixed_channel':
      return `fixed channel ${reason.channel}`;
    case 'channel_scores': {
      const top = reason.scores[0];
      return top ? `best channel ${reason.chosen} (posterior mean ${top.posteriorMean.toFixed(3)})` : '';
    }
    case 'best_time':
      return `best hour ${wallTime(reason.chosen.at, timeZone)} (rate ${reason.chosen.rate.toFixed(3)})`;
    case 'quiet_hours':
      return `quiet hours ${reason.from}–${reason.to} for ${reason.channel} in ${reason.timeZone || timeZone}`;
    case 'quiet_hours_allowed':
      return `allowed through quiet hours ${reason.from}–${reason.to}`;
    case 'frequency_cap':
      return `cap ${reason.max} per ${reason.per} on ${reason.channel} (${reason.count} already)`;
    case 'collision': {
      if (reason.action === 'wins') return '';
      const other = reason.withJourney === undefined ? reason.with : `journey ${reason.withJourney}'s`;
      return `collides with ${other} ${reason.withClass} message at ${wallTime(reason.at, timeZone)}: ${reason.action}`;
    }
    case 'rerouted':
      return `rerouted from ${reason.from} to ${reason.to} (${reason.why})`;
    case 'past_deadline':
      return `would go after its deadline ${wallTime(reason.notAfter, timeZone)}`;
  }
}
