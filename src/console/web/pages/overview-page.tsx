import { Suspense } from 'react';
import { useApi } from '../api/use-api.ts';
import { FailingChannelsWarning } from '../components/failing-channels.tsx';
import { Await, Empty, FirstEventSnippet, Loading } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { preloadable } from '../preloadable.tsx';
import { Link } from '../router.tsx';

const charts = preloadable(() => import('./overview-charts.tsx'));
const OverviewCharts = charts.Component;

export interface Overview {
  since: number;
  days: number;
  customers: number;
  activity: { day: number; events: number; customers: number }[];
  messages: { channel: string | null; status: string; count: number }[];
  deliveryEvents: Record<string, number>;
  journeys: { id: string; name: string; status: string; started: number; converted: number }[];
}

export default function OverviewPage() {
  const { t, number } = useI18n();
  const loaded = useApi<Overview>('/v1/overview?days=14');
  // Fetched while the figures load, so the charts do not wait for their chunk after them.
  void charts.preload();
  return (
    <>
      <h1 tabIndex={-1}>{t('overview.title')}</h1>
      <FailingChannelsWarning />
      <Await loaded={loaded}>
        {(overview) => {
          const today = overview.activity.at(-1);
          const isToday = today && today.day === Math.floor(Date.now() / 86_400_000) * 86_400_000;
          const live = overview.journeys.filter((j) => j.status === 'live').length;
          const figures = [
            [t('overview.eventsToday'), isToday ? today.events : 0],
            [t('overview.activeToday'), isToday ? today.customers : 0],
            [t('overview.customers'), overview.customers],
            [t('overview.liveJourneys'), live],
          ] as const;
          return (
            <>
              <dl className="figures">
                {figures.map(([label, value]) => (
                  <div key={label}>
                    <dt>{label}</dt>
                    <dd>{number(value)}</dd>
                  </div>
                ))}
              </dl>
              {overview.activity.length === 0 ? (
                <Empty title={t('overview.emptyTitle')}>
                  <FirstEventSnippet />
                </Empty>
              ) : (
                <Suspense fallback={<Loading />}>
                  <OverviewCharts overview={overview} />
                </Suspense>
              )}
              {overview.journeys.length === 0 && (
                <p>
                  {t('overview.noJourneys')} <Link to="/journeys">{t('overview.toCatalog')}</Link>
                </p>
              )}
            </>
          );
        }}
      </Await>
    </>
  );
}
