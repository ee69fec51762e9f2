import { useCallback } from 'react';
import { api } from '../api/client.ts';
import type { CustomerView, Run, TimelineEntry } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { usePages } from '../api/use-pages.ts';
import { LoadOlder } from '../components/paged-list.tsx';
import { Await } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ConsentTable } from './consent-table.tsx';
import { CustomerJourneys } from './customer-journeys.tsx';
import { displayName } from './display-name.ts';
import { Timeline } from './timeline.tsx';

/** The first page is small so the profile shows at once; older entries come 500 at a time as the list scrolls. */
const FIRST_PAGE = 100;
const PAGE = 500;

export default function CustomerPage({ id }: { id: string }) {
  const { t, dateTime } = useI18n();
  const path = `/v1/customers/${encodeURIComponent(id)}`;
  const loaded = useApi<CustomerView>(`${path}?limit=${FIRST_PAGE}`);
  const runs = useApi<{ runs: Run[] }>(`${path}/journeys`);
  const segments = useApi<{ segments: { id: string; name: string; since: string }[] }>(`${path}/segments`);
  return (
    <Await loaded={loaded}>
      {(view) => (
        <>
          <h1 tabIndex={-1}>{displayName(view.profile)}</h1>
          <div className="columns">
            <section aria-labelledby="identities">
              <h2 id="identities">{t('customer.identities')}</h2>
              <dl className="pairs">
                <dt>{t('customer.godwitId')}</dt>
                <dd className="mono">{view.profile.id}</dd>
                {view.identities.map((i) => (
                  <div key={`${i.kind}:${i.value}`} className="pair">
                    <dt>{t(`identity.${i.kind}` as 'identity.email')}</dt>
                    <dd>{i.value}</dd>
                  </div>
                ))}
              </dl>
              <h2>{t('customer.traits')}</h2>
              <dl className="pairs">
                {Object.entries(view.profile.traits).map(([name, value]) => (
                  <div key={name} className="pair">
                    <dt>{name}</dt>
                    <dd>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</dd>
                  </div>
                ))}
                <div className="pair">
                  <dt>{t('customer.timezone')}</dt>
                  <dd>{view.profile.timezone ?? '—'}</dd>
                </div>
                <div className="pair">
                  <dt>{t('customer.locale')}</dt>
                  <dd>{view.profile.locale ?? '—'}</dd>
                </div>
              </dl>
            </section>
            <section aria-labelledby="consent">
              <h2 id="consent">{t('customer.consent')}</h2>
              <ConsentTable customerPath={path} consent={view.profile.consent} onChanged={loaded.reload} />
              <h2>{t('customer.segments')}</h2>
              <Await loaded={segments}>
                {({ segments }) =>
                  segments.length === 0 ? (
                    <p className="muted">{t('customer.noSegments')}</p>
                  ) : (
                    <ul className="chips">
                      {segments.map((s) => (
                        <li key={s.id} title={t('customer.memberSince', { since: dateTime(Date.parse(s.since)) })}>
                          {s.name}
                        </li>
                      ))}
                    </ul>
                  )
                }
              </Await>
              <h2>{t('customer.journeys')}</h2>
              <Await loaded={runs}>{({ runs }) => <CustomerJourneys runs={runs} />}</Await>
            </section>
          </div>
          <section aria-labelledby="timeline">
            <h2 id="timeline">{t('customer.timeline')}</h2>
            <PagedTimeline path={path} first={view.timeline} />
          </section>
        </>
      )}
    </Await>
  );
}

/** The first page comes with the profile; older pages load as the list is scrolled to its end. */
function PagedTimeline(props: { path: string; first: CustomerView['timeline'] }) {
  const older = useCallback(
    async (before: string) => {
      const { timeline } = await api<CustomerView>(`${props.path}?limit=${PAGE}&before=${encodeURIComponent(before)}`);
      return { items: timeline.events, next: timeline.next };
    },
    [props.path],
  );
  const pages = usePages<TimelineEntry>({ items: props.first.events, next: props.first.next }, older);
  const { t } = useI18n();
  return (
    <>
      <Timeline entries={pages.items} hasMore={pages.hasMore} loadMore={pages.loadMore} />
      <LoadOlder pages={pages} label={t('customer.loadOlder')} scrolls />
    </>
  );
}
