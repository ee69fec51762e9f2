import { useState } from 'react';
import { api } from '../api/client.ts';
import { useApi } from '../api/use-api.ts';
import { Await } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';

interface CatalogEntry {
  id: string;
  name: string;
  description: string;
}
interface Installed {
  journey: { id: string; status: string };
  missing: { events: string[]; traits: string[] };
  warnings: string[];
}

/** The ready journeys; installing one says which events and traits Godwit has not seen yet. */
export function CatalogList(props: { onInstalled(): void }) {
  const { t } = useI18n();
  const loaded = useApi<{ journeys: CatalogEntry[] }>('/v1/journeys/catalog');
  const [results, setResults] = useState<Record<string, Installed | string>>({});
  const [busy, setBusy] = useState<string>();
  const install = async (id: string) => {
    setBusy(id);
    try {
      const installed = await api<Installed>(`/v1/journeys/catalog/${encodeURIComponent(id)}/install`, {
        method: 'POST',
        body: { status: 'live' },
      });
      setResults((r) => ({ ...r, [id]: installed }));
      props.onInstalled();
    } catch (error) {
      setResults((r) => ({ ...r, [id]: (error as Error).message }));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section aria-labelledby="catalog">
      <h2 id="catalog">{t('catalog.title')}</h2>
      <Await loaded={loaded}>
        {({ journeys }) => (
          <ul className="cards">
            {journeys.map((entry) => {
              const result = results[entry.id];
              return (
                <li key={entry.id} className="card">
                  <h3>{entry.name}</h3>
                  <p>{entry.description}</p>
                  <button
                    type="button"
                    onClick={() => install(entry.id)}
                    disabled={busy !== undefined}
                    aria-busy={busy === entry.id}
                  >
                    {busy === entry.id ? t('catalog.installing') : t('catalog.install')}
                  </button>
                  {typeof result === 'string' && (
                    <p className="error" role="alert">
                      {result}
                    </p>
                  )}
                  {typeof result === 'object' && (
                    <div role="status">
                      <p>
                        {t('catalog.installed', { status: t(`status.${result.journey.status}` as 'status.live') })}{' '}
                        <Link to={`/journeys/${encodeURIComponent(result.journey.id)}`}>{t('catalog.open')}</Link>
                      </p>
                      {[...result.missing.events, ...result.missing.traits].length > 0 && (
                        <p className="muted">
                          {t('catalog.missing', {
                            names: [...result.missing.events, ...result.missing.traits].join(', '),
                          })}
                        </p>
                      )}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Await>
    </section>
  );
}
