import type { Policy, SuppressionRule } from '../../../decisioning/policy-schema.ts';
import type { I18n, Locale } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';

/** The communication policy in the admin's words, one line per rule, as the settings page lists it. */
export interface PolicyWords {
  readonly quietHours: readonly string[];
  readonly caps: readonly string[];
  readonly collisions: readonly string[];
  readonly maxDelay: readonly string[];
  readonly suppression: readonly string[];
  readonly holdout: string;
}

const UNITS = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' } as const;

/** A policy duration (`1h`, `3d`, `1d12h`) in words: "1 day, 12 hours", "1天12小时". */
export function durationWords(locale: Locale, text: string): string {
  const parts = [...text.matchAll(/(\d+)([smhdw])/g)].map(([, amount, unit]) =>
    new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: UNITS[unit as keyof typeof UNITS],
      unitDisplay: 'long',
    }).format(Number(amount)),
  );
  return parts.length === 0 ? text : new Intl.ListFormat(locale, { type: 'unit', style: 'long' }).format(parts);
}

/** A trait or property filter as the policy writes it: `plan eq "pro"`. */
function filterText(filter: { property: string; op: string; value?: unknown }): string {
  return [filter.property, filter.op, ...(filter.value === undefined ? [] : [JSON.stringify(filter.value)])].join(' ');
}

export function policyWords(i18n: I18n, policy: Policy): PolicyWords {
  const { t, locale } = i18n;
  const channels = (list: readonly string[]) => i18n.list(list.map((c) => labelOf(t, 'channel', c)));
  const classes = (list: readonly string[]) => i18n.list(list.map((c) => labelOf(t, 'topic', c)));
  const duration = (text: string) => durationWords(locale, text);

  const condition = (when: SuppressionRule['when'][number]): string => {
    if ('segment' in when) return t('settings.whenSegment', { segment: when.segment });
    if ('event' in when) {
      const vars = { event: when.event, within: duration(when.within), until: when.until ?? '' };
      const did = t(when.until ? 'settings.whenEventUntil' : 'settings.whenEvent', vars);
      return when.where.length > 0 ? `${did} (${when.where.map(filterText).join(', ')})` : did;
    }
    return filterText(when);
  };
  const { collisions, holdout } = policy;

  return {
    quietHours: policy.quietHours.map((q) =>
      t('settings.quietLine', {
        channels: channels(q.channels),
        from: q.from,
        to: q.to,
        allows:
          q.allow.length > 0 ? t('settings.quietAllows', { classes: classes(q.allow) }) : t('settings.quietAllowsNone'),
      }),
    ),
    caps: policy.caps.map((c) =>
      t(c.per === 'week' ? 'settings.capPerWeek' : 'settings.capPerDay', {
        classes: classes(c.classes),
        max: i18n.number(c.max),
        channel: c.channel ? labelOf(t, 'channel', c.channel) : t('settings.capAnyChannel'),
      }),
    ),
    collisions: [
      t('settings.collisionLine', { classes: classes(collisions.classes), window: duration(collisions.window) }),
      // A class the policy names no loser for is delayed, as the engine does it.
      ...collisions.classes.map((c) =>
        (collisions.loser[c] ?? 'delay') === 'drop'
          ? t('settings.loserDrop', { class: labelOf(t, 'topic', c) })
          : t('settings.loserDelay', { class: labelOf(t, 'topic', c), window: duration(collisions.window) }),
      ),
    ],
    maxDelay: Object.entries(policy.maxDelay).map(([c, limit]) =>
      t('settings.maxDelayLine', { class: labelOf(t, 'topic', c), duration: duration(limit) }),
    ),
    suppression: policy.suppression.map((rule) =>
      t('settings.suppressionLine', {
        rule: rule.description ? `${rule.id} (${rule.description})` : rule.id,
        classes: classes(rule.classes),
        conditions: new Intl.ListFormat(locale, { type: 'conjunction' }).format(rule.when.map(condition)),
      }),
    ),
    holdout:
      !holdout || holdout.percent === 0
        ? t('settings.noHoldout')
        : t('settings.holdoutLine', {
            percent: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(
              holdout.percent / 100,
            ),
            classes: classes(holdout.classes),
            salt: holdout.salt,
          }),
  };
}
