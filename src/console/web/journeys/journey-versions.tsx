import { useState } from 'react';
import { api } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function JourneyVersions(props: { path: string; versions: readonly { version: number; createdAt: number }[] }) {
  const { t, dateTime } = useI18n();
  const [shown, setShown] = useState<{ version: number; text: string }>();
  const show = async (version: number) => {
    const found = await api<{ version: { definition: unknown } }>(`${props.path}/versions/${version}`);
    setShown({ version, text: JSON.stringify(found.version.definition, null, 2) });
  };
  return (
    <>
      <ul className="versions">
        {[...props.versions].reverse().map((v) => (
          <li key={v.version}>
            <button type="button" onClick={() => show(v.version)} aria-pressed={shown?.version === v.version}>
              v{v.version}
            </button>{' '}
            <span className="muted">{dateTime(v.createdAt)}</span>
          </li>
        ))}
      </ul>
      {shown && (
        <>
          <h3>{t('journey.versionShown', { version: shown.version })}</h3>
          <pre>{shown.text}</pre>
        </>
      )}
    </>
  );
}
