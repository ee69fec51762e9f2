import { useState } from 'react';
import { api } from '../api/client.ts';
import { useApi } from '../api/use-api.ts';
import { Await, ErrorNote } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';
import { Link } from '../router.tsx';
import { type JourneyNotes, JourneyWarnings } from './journey-warnings.tsx';

interface CatalogEntry {
  id: string;
  name: string;
  description: string | null;
}
interface Installed extends JourneyNotes {
  journey: { id: string; status: string };
  createdSegments: string[];
}

/**
 * The ready journeys; installing one says which events, traits, templates and segments the workspace
 * lacks (why it stayed a draft), and which segments it created.
 */
export function CatalogList(props: { onInstalled(): void; installed: ReadonlySet<string> }) {
  const { t } = useI18n();
  const loaded = useApi<{ journeys: CatalogEntry[] }>('/v1/journeys/catalog');
  const [results, setResults] = useState<Record<string, Installed | { error: unknown }>>({});
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
      setResults((r) => ({ ...r, [id]: { error } }));
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
                  {/* The console's words for the journeys it knows; one the server added since keeps the server's. */}
                  <h3>{labelOf(t, 'catalogName', entry.id, entry.name)}</h3>
                  <p>{labelOf(t, 'catalogDescription', entry.id, entry.description ?? '')}</p>
                  {/* Installed before (this visit's result shows below instead): open it, not install it again. */}
                  {props.installed.has(entry.id) && result === undefined ? (
                    <p>
                      {t('catalog.alreadyInstalled')}{' '}
                      <Link to={`/journeys/${encodeURIComponent(entry.id)}`}>{t('catalog.open')}</Link>
                    </p>
                  ) : (
                    <button
                      type="button"
                      onClick={() => install(entry.id)}
                      disabled={busy !== undefined || (result !== undefined && 'journey' in result)}
                      aria-busy={busy === entry.id}
                    >
                      {busy === entry.id ? t('catalog.installing') : t('catalog.install')}
                    </button>
                  )}
                  {result !== undefined && 'error' in result && <ErrorNote error={result.error} />}
                  {result !== undefined && 'journey' in result && (
                    <div role="status">
                      <p>
                        {t('catalog.installed', { status: t(`status.${result.journey.status}` as 'status.live') })}{' '}
                        <Link to={`/journeys/${encodeURIComponent(result.journey.id)}`}>{t('catalog.open')}</Link>
                      </p>
                      {result.createdSegments.length > 0 && (
                        <p>{t('catalog.createdSegments', { ids: result.createdSegments.join(', ') })}</p>
                      )}
                      <JourneyWarnings notes={result} />
                      {/* Asked to go live, it is a draft only when something is missing. */}
                      {result.journey.status === 'draft' && <p className="muted">{t('catalog.stayedDraft')}</p>}
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
