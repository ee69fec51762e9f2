import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { JourneyStats, JourneySummary } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Await, Empty } from '../components/states.tsx';
import { TableHead } from '../components/table-head.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { CatalogList } from './catalog-list.tsx';

export default function JourneysPage() {
  const { t, dateTime, percent, number } = useI18n();
  const loaded = useApi<{ journeys: JourneySummary[] }>('/v1/journeys');
  const [stats, setStats] = useState<Record<string, JourneyStats['runs']>>({});
  useEffect(() => {
    for (const journey of loaded.data?.journeys ?? []) {
      api<JourneyStats>(`/v1/journeys/${encodeURIComponent(journey.id)}/stats`).then(
        (s) => setStats((all) => ({ ...all, [journey.id]: s.runs })),
        () => {},
      );
    }
  }, [loaded.data]);
  return (
    <>
      <h1 tabIndex={-1}>{t('journeys.title')}</h1>
      <p>
        <Link to="/journeys/new" className="button">
          {t('journeys.new')}
        </Link>
      </p>
      <Await loaded={loaded}>
        {({ journeys }) =>
          journeys.length === 0 ? (
            <Empty title={t('journeys.empty')}>
              <p>{t('journeys.emptyHint')}</p>
            </Empty>
          ) : (
            <table>
              <TableHead
                columns={[
                  'journeys.name',
                  'journeys.status',
                  'journeys.version',
                  'journeys.started',
                  'journeys.conversion',
                  'journeys.updated',
                ]}
              />
              <tbody>
                {journeys.map((j) => {
                  const runs = stats[j.id];
                  return (
                    <tr key={j.id}>
                      <td>
                        <Link to={`/journeys/${encodeURIComponent(j.id)}`}>{j.name}</Link>
                      </td>
                      <td>
                        <span className={`badge ${j.status}`}>{t(`status.${j.status}` as 'status.live')}</span>
                      </td>
                      <td>v{j.latestVersion}</td>
                      <td>{runs ? number(runs.started) : '…'}</td>
                      <td>{runs ? (runs.started ? percent(runs.converted / runs.started) : '—') : '…'}</td>
                      <td>{dateTime(j.updatedAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Await>
      <CatalogList onInstalled={loaded.reload} installed={new Set(loaded.data?.journeys.map((j) => j.id))} />
    </>
  );
}
