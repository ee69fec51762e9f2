import { explainError } from '../api/explain-error.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { LiveStats } from './use-live-stats.ts';

/** While the counts cannot be refreshed: since when they are the same, and why. Nothing when they are current. */
export function StaleCountsNote({ live }: { live: LiveStats }) {
  const { t, time } = useI18n();
  if (live.error === undefined) return null;
  const since =
    live.asOf === undefined ? t('journey.countsMissing') : t('journey.countsStale', { time: time(live.asOf) });
  return (
    <p className="stale-note" role="status">
      {since} {explainError(t, live.error).summary}
    </p>
  );
}
