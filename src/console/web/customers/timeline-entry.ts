import type { TimelineEntry } from '../api/types.ts';
import { explainDecision, isDecisionExplanation } from '../components/decision-words.ts';
import type { I18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';

/** One line per timeline entry, whatever its type: Segment calls, messages, decisions, replies and kinds not known yet. */
export interface EntryView {
  at: number | undefined;
  /** The entry's type as the API has it (a CSS class); `kindLabel` is the same in the admin's language. */
  kind: string;
  kindLabel: string;
  title: string;
  detail: string;
  /** A message's decision: why it went, waits or was dropped, in the admin's words where the console has them. */
  decision?: string;
  /** `decision` is the server's English (an entry without the structured explanation). */
  decisionInEnglish?: boolean;
  /** Where the entry opens in full: a message beside the outbox, with its decision in the admin's words. */
  href?: string;
}

const brief = (value: unknown) => {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

function timeOf(entry: TimelineEntry): number | undefined {
  const value = entry.timestamp ?? entry.at ?? entry.receivedAt;
  if (typeof value === 'number') return value;
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** Event names, traits and message content stay as the customer's data has them; the console's own words are translated. */
export function entryView(entry: TimelineEntry, i18n: I18n): EntryView {
  const { t } = i18n;
  const at = timeOf(entry);
  const kind = String(entry.type ?? 'entry');
  const view = { at, kind, kindLabel: labelOf(t, 'timelineKind', kind) };
  switch (entry.type) {
    case 'track':
      return { ...view, title: String(entry.event ?? ''), detail: brief(entry.properties) };
    case 'identify':
      return { ...view, title: t('timeline.traitsUpdated'), detail: brief(entry.traits) };
    case 'page':
    case 'screen':
      return { ...view, title: String(entry.name ?? view.kindLabel), detail: brief(entry.properties) };
    case 'message': {
      const channel = typeof entry.channel === 'string' ? labelOf(t, 'channel', entry.channel) : undefined;
      const status = typeof entry.status === 'string' ? labelOf(t, 'messageStatus', entry.status) : undefined;
      const goesAt = typeof entry.nextAttemptAt === 'string' ? Date.parse(entry.nextAttemptAt) : Number.NaN;
      const held = entry.status === 'scheduled' && !Number.isNaN(goesAt);
      return {
        ...view,
        title: [channel, status].filter(Boolean).join(' · '),
        detail: [
          brief(entry.subject ?? entry.template ?? entry.text ?? entry.key),
          ...(held ? [t('messages.goesAt', { time: i18n.dateTime(goesAt) })] : []),
        ].join(' · '),
        ...decisionOf(entry, i18n),
        ...(typeof entry.key === 'string' ? { href: `/messages?message=${encodeURIComponent(entry.key)}` } : {}),
      };
    }
    default: {
      const { type, seq: _seq, timestamp: _t, ...rest } = entry;
      return { ...view, title: String(entry.event ?? entry.name ?? type ?? ''), detail: brief(rest) };
    }
  }
}

/** The reasons in the admin's language from the structured explanation, else the server's English words. */
function decisionOf(entry: TimelineEntry, i18n: I18n): Pick<EntryView, 'decision' | 'decisionInEnglish'> {
  if (isDecisionExplanation(entry.explanation)) {
    const words = explainDecision(i18n, entry.explanation);
    const reasons = words.reasons.map((r) => (r.detail ? `${r.text} ${r.detail}` : r.text));
    return { decision: (reasons.length > 0 ? reasons : [words.headline]).join(' ') };
  }
  return typeof entry.decision === 'string' && entry.decision
    ? { decision: entry.decision, decisionInEnglish: true }
    : {};
}
