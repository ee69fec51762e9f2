import type { TimelineEntry } from '../api/types.ts';

/** One line per timeline entry, whatever its type: Segment calls, messages, decisions, replies and kinds not known yet. */
export interface EntryView {
  at: number | undefined;
  kind: string;
  title: string;
  detail: string;
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

export function entryView(entry: TimelineEntry): EntryView {
  const at = timeOf(entry);
  switch (entry.type) {
    case 'track':
      return { at, kind: 'track', title: String(entry.event ?? ''), detail: brief(entry.properties) };
    case 'identify':
      return { at, kind: 'identify', title: 'identify', detail: brief(entry.traits) };
    case 'page':
    case 'screen':
      return { at, kind: entry.type, title: String(entry.name ?? entry.type), detail: brief(entry.properties) };
    case 'message':
      return {
        at,
        kind: 'message',
        title: [entry.channel, entry.status].filter(Boolean).join(' · '),
        detail: brief(entry.subject ?? entry.template ?? entry.text ?? entry.key),
      };
    default: {
      const { type, seq: _seq, timestamp: _t, ...rest } = entry;
      return {
        at,
        kind: String(type ?? 'entry'),
        title: String(entry.event ?? entry.name ?? type ?? ''),
        detail: brief(rest),
      };
    }
  }
}
