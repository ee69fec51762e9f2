import type { Reason } from '../../../decisioning/decision-types.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { I18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';

/**
 * A decision of the decision engine in the admin's language, from its structured form (the outbox
 * entry's `payload.explanation`, a simulated message's `decision`) rather than the server's English
 * summary: what happens to the message, and each reason with its numbers and times.
 */

export interface DecisionExplanation {
  readonly outcome: 'send' | 'delay' | 'suppress';
  readonly channel?: string | null;
  /** When a held message goes (ms). */
  readonly at?: number | null;
  /** The customer's time zone, which quiet hours are counted in. */
  readonly timeZone?: string;
  readonly reasons: readonly unknown[];
}

/** One reason: a sentence in the admin's language; `detail` is what the server wrote in English (a rule's match). */
export interface ReasonWords {
  readonly text: string;
  readonly detail?: string;
}

export interface DecisionWords {
  readonly headline: string;
  readonly reasons: readonly ReasonWords[];
}

/** `channel_ineligible` reasons the engine writes from a fixed set; anything else (a topic's consent) stays its text. */
const INELIGIBLE: Readonly<Record<string, MessageKey>> = {
  'no consent': 'decision.ineligible.noConsent',
  'no address': 'decision.ineligible.noAddress',
  'address suppressed': 'decision.ineligible.suppressed',
  'provider unhealthy': 'decision.ineligible.providerFailing',
};

export function isDecisionExplanation(value: unknown): value is DecisionExplanation {
  if (typeof value !== 'object' || value === null) return false;
  const { outcome, reasons } = value as Record<string, unknown>;
  return (outcome === 'send' || outcome === 'delay' || outcome === 'suppress') && Array.isArray(reasons);
}

/** What a held message decided again was decided before (`payload.earlier`), the well-formed entries only. */
export function earlierDecisionsOf(
  value: unknown,
): { readonly decidedAt: string; readonly decision: unknown; readonly explanation: unknown }[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is { decidedAt: string; decision: unknown; explanation: unknown } =>
      typeof e === 'object' && e !== null && typeof (e as { decidedAt?: unknown }).decidedAt === 'string',
  );
}

export function explainDecision(i18n: I18n, decision: DecisionExplanation): DecisionWords {
  const { t } = i18n;
  const channel = decision.channel ? labelOf(t, 'channel', decision.channel) : '—';
  const headline =
    decision.outcome === 'suppress'
      ? t('decision.suppress')
      : decision.outcome === 'delay' && typeof decision.at === 'number'
        ? t('decision.delay', { time: i18n.dateTime(decision.at), channel })
        : t('decision.send', { channel });
  const reasons = decision.reasons
    .filter((reason): reason is Reason => typeof reason === 'object' && reason !== null)
    // A dropped message waits for nothing, so a failing provider is no part of why (as the server's summary has it).
    .filter((reason) => decision.outcome !== 'suppress' || reason.code !== 'provider_unhealthy')
    .map((reason) => reasonWords(i18n, reason, decision))
    .filter((words): words is ReasonWords => words !== undefined);
  // A hold met twice (two caps at once) is said once.
  const seen = new Set<string>();
  return {
    headline,
    reasons: reasons.filter((r) => {
      const key = `${r.text}\n${r.detail ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  };
}

function reasonWords(i18n: I18n, reason: Reason, decision: DecisionExplanation): ReasonWords | undefined {
  const { t, dateTime, percent } = i18n;
  const channel = (c: string) => labelOf(t, 'channel', c);
  const classOf = (c: string) => labelOf(t, 'topic', c);
  switch (reason.code) {
    case 'holdout':
      return { text: t('decision.reason.holdout', { percent: percent(reason.percent / 100) }) };
    case 'suppression_rule':
      return { text: t('decision.reason.suppressionRule', { rule: reason.rule }), detail: reason.matched.join('; ') };
    case 'channel_ineligible': {
      const known = reason.why.filter((why) => why in INELIGIBLE);
      const other = reason.why.filter((why) => !(why in INELIGIBLE));
      const why = known.map((w) => t(INELIGIBLE[w] as MessageKey));
      return {
        text: t('decision.reason.channelIneligible', {
          channel: channel(reason.channel),
          why: why.length > 0 ? i18n.list(why) : t('decision.ineligible.other'),
        }),
        ...(other.length > 0 ? { detail: other.join('; ') } : {}),
      };
    }
    case 'provider_unhealthy':
      return { text: t('decision.reason.providerUnhealthy', { channel: channel(reason.channel) }) };
    case 'no_channel':
      return { text: t('decision.reason.noChannel') };
    case 'fixed_channel':
      return { text: t('decision.reason.fixedChannel', { channel: channel(reason.channel) }) };
    case 'channel_scores': {
      const chosen = reason.scores.find((s) => s.channel === reason.chosen) ?? reason.scores[0];
      return {
        text: t('decision.reason.bestChannel', {
          channel: channel(reason.chosen),
          rate: chosen ? percent(chosen.posteriorMean) : '—',
        }),
      };
    }
    case 'best_time':
      return {
        text: t('decision.reason.bestTime', { time: dateTime(reason.chosen.at), rate: percent(reason.chosen.rate) }),
      };
    case 'quiet_hours':
      return {
        text: t('decision.reason.quietHours', {
          channel: channel(reason.channel),
          from: reason.from,
          to: reason.to,
          zone: reason.timeZone || decision.timeZone || 'UTC',
          time: dateTime(reason.heldUntil),
        }),
      };
    case 'quiet_hours_allowed':
      return {
        text: t('decision.reason.quietHoursAllowed', {
          channel: channel(reason.channel),
          from: reason.from,
          to: reason.to,
        }),
      };
    case 'frequency_cap':
      return {
        text: t(reason.per === 'week' ? 'decision.reason.capPerWeek' : 'decision.reason.capPerDay', {
          channel: reason.channel === 'all' ? t('settings.capAnyChannel') : channel(reason.channel),
          max: i18n.number(reason.max),
          count: i18n.number(reason.count),
          time: dateTime(reason.heldUntil),
        }),
      };
    case 'collision':
      // The winner's side of a collision changes nothing for this message.
      if (reason.action === 'wins') return undefined;
      return {
        text: t(reason.action === 'drop' ? 'decision.reason.collisionDrop' : 'decision.reason.collisionDelay', {
          // The other message by its journey when the engine knows it.
          other:
            reason.withJourney === undefined
              ? t('decision.reason.collisionOther', { class: classOf(reason.withClass) })
              : t('decision.reason.collisionOtherOf', {
                  class: classOf(reason.withClass),
                  journey: reason.withJourney,
                }),
          at: dateTime(reason.at),
          time: reason.heldUntil === undefined ? '—' : dateTime(reason.heldUntil),
        }),
      };
    case 'rerouted':
      return { text: t('decision.reason.rerouted', { from: channel(reason.from), to: channel(reason.to) }) };
    case 'past_deadline':
      return { text: t('decision.reason.pastDeadline', { time: dateTime(reason.notAfter) }) };
    default: {
      // A reason a newer server gives that this console has no words for: its code, as the API has it.
      const code = (reason as { code?: unknown }).code;
      return { text: typeof code === 'string' ? code : JSON.stringify(reason) };
    }
  }
}
