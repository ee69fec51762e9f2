import { useEffect } from 'react';
import type { FailingChannel } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';

/** Providers fail and recover while a page stays open; the delivery workers renew a failing mark every 30 s. */
const RECHECK_MS = 30_000;

/**
 * A warning while any channel's delivery provider is failing (its circuit breaker opened): which
 * channel, through which provider, its last error, and that best-channel sends go elsewhere meanwhile.
 */
export function FailingChannelsWarning() {
  const { t, time } = useI18n();
  const loaded = useApi<{ failing: FailingChannel[] }>('/v1/messages/stats');
  const { reload } = loaded;
  useEffect(() => {
    const timer = setInterval(reload, RECHECK_MS);
    return () => clearInterval(timer);
  }, [reload]);
  // Nothing while it loads or if the stats fail: the page around it says when Godwit does not answer.
  const failing = loaded.data?.failing ?? [];
  if (failing.length === 0) return null;
  return (
    <div className="warning" role="alert">
      <p>
        <strong>{t('failing.title')}</strong>
      </p>
      <ul>
        {failing.map((f) => (
          <li key={f.channel}>
            {t('failing.line', {
              channel: labelOf(t, 'channel', f.channel),
              provider: f.provider,
              time: time(Date.parse(f.updatedAt)),
            })}{' '}
            <span className="mono" lang="en">
              {f.reason}
            </span>
          </li>
        ))}
      </ul>
      <p>{t('failing.meanwhile')}</p>
    </div>
  );
}
