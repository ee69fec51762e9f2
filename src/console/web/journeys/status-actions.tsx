import { useState } from 'react';
import { api } from '../api/client.ts';
import { ErrorNote } from '../components/states.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** The moves the server allows: draft → live ⇄ paused, any → archived (final). */
const MOVES: Record<string, { to: string; label: MessageKey }[]> = {
  draft: [
    { to: 'live', label: 'journey.goLive' },
    { to: 'archived', label: 'journey.archive' },
  ],
  live: [
    { to: 'paused', label: 'journey.pause' },
    { to: 'archived', label: 'journey.archive' },
  ],
  paused: [
    { to: 'live', label: 'journey.resume' },
    { to: 'archived', label: 'journey.archive' },
  ],
};

export function StatusActions(props: { path: string; status: string; onChanged(): void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const move = async (to: string) => {
    if (to === 'archived' && !window.confirm(t('journey.archiveConfirm'))) return;
    try {
      await api(`${props.path}/status`, { method: 'POST', body: { status: to } });
      setError(undefined);
      props.onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="toolbar">
      {(MOVES[props.status] ?? []).map((m) => (
        <button key={m.to} type="button" onClick={() => move(m.to)}>
          {t(m.label)}
        </button>
      ))}
      {error !== undefined && <ErrorNote error={error} />}
    </div>
  );
}
