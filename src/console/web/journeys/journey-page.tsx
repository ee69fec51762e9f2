import { Suspense, useState } from 'react';
import { api } from '../api/client.ts';
import type { JourneyDetail } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Await, Loading } from '../components/states.tsx';
import { Tabs } from '../components/tabs.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { preloadable } from '../preloadable.tsx';
import { Link, navigate } from '../router.tsx';
import type { SaveOutcome } from './journey-editor.tsx';
import { JourneySimulator, type Simulation } from './journey-simulator.tsx';
import { JourneyVersions } from './journey-versions.tsx';
import { type JourneyNotes, JourneyWarnings } from './journey-warnings.tsx';
import { StaleCountsNote } from './stale-counts-note.tsx';
import { StatusActions } from './status-actions.tsx';
import { useLiveStats } from './use-live-stats.ts';

const graph = preloadable(() => import('./journey-graph-view.tsx'));
// The graph is the first tab: fetch its chunk (React Flow, dagre) while the journey itself is fetched.
void graph.preload();
const JourneyGraphView = graph.Component;
const JourneyEditor = preloadable(() => import('./journey-editor.tsx')).Component;
const JourneySource = preloadable(() => import('./journey-source.tsx')).Component;

export default function JourneyPage({ id }: { id: string }) {
  if (id === 'new') return <NewJourney />;
  return <ExistingJourney id={id} />;
}

function ExistingJourney({ id }: { id: string }) {
  const { t } = useI18n();
  const path = `/v1/journeys/${encodeURIComponent(id)}`;
  const loaded = useApi<{ journey: JourneyDetail }>(path);
  const live = useLiveStats(path);
  const [simulation, setSimulation] = useState<Simulation>();
  return (
    <Await loaded={loaded}>
      {({ journey }) => (
        <>
          <h1 tabIndex={-1}>{journey.name}</h1>
          <p>
            <span className={`badge ${journey.status}`}>{t(`status.${journey.status}` as 'status.live')}</span>{' '}
            <span className="muted">
              {journey.id} · v{journey.latestVersion}
            </span>
          </p>
          <StatusActions path={path} status={journey.status} onChanged={loaded.reload} />
          <Tabs
            label={journey.name}
            tabs={[
              {
                id: 'graph',
                label: t('journey.graph'),
                render: () => (
                  <>
                    <StaleCountsNote live={live} />
                    <Suspense fallback={<Loading />}>
                      <JourneyGraphView
                        definition={journey.definition}
                        stats={live.stats}
                        stale={live.error !== undefined}
                        highlight={simulation?.path.map((step) => step.nodeId).filter((n): n is string => Boolean(n))}
                      />
                    </Suspense>
                  </>
                ),
              },
              {
                id: 'definition',
                label: t('journey.definition'),
                render: () => (
                  <Suspense fallback={<Loading />}>
                    <JourneySource definition={journey.definition}>
                      {(source) => (
                        <JourneyEditor
                          source={source}
                          onSave={async (text): Promise<SaveOutcome> => {
                            const saved = await api<Saved & { changed: boolean }>(path, {
                              method: 'PUT',
                              body: { source: text },
                            });
                            loaded.reload();
                            const message = saved.changed
                              ? t('editor.saved', { version: saved.journey.latestVersion })
                              : t('editor.unchanged');
                            return { message, notes: saved };
                          }}
                        />
                      )}
                    </JourneySource>
                  </Suspense>
                ),
              },
              {
                id: 'versions',
                label: t('journey.versions'),
                render: () => <JourneyVersions path={path} versions={journey.versions} />,
              },
              {
                id: 'simulate',
                label: t('journey.simulate'),
                render: () => (
                  <JourneySimulator definition={journey.definition} result={simulation} onResult={setSimulation} />
                ),
              },
            ]}
          />
        </>
      )}
    </Await>
  );
}

const STARTER = `id: my-journey
name: My journey
trigger:
  event: Signed Up
start: welcome
nodes:
  welcome: { type: send, template: onboarding_welcome, channel: email, next: done }
  done: { type: exit }
`;

/** A save's answer: the journey and what it lacks (see JourneyWarnings). */
interface Saved extends JourneyNotes {
  journey: { id: string; status: string; latestVersion: number };
}

/** A journey created without warnings opens at once; one that lacks something says what first. */
function NewJourney() {
  const { t } = useI18n();
  const [created, setCreated] = useState<Saved>();
  const onSave = async (source: string): Promise<SaveOutcome> => {
    const saved = await api<Saved>('/v1/journeys', { method: 'POST', body: { source } });
    if (saved.missingReferences?.length) setCreated(saved);
    else navigate(`/journeys/${encodeURIComponent(saved.journey.id)}`);
    return { message: t('editor.created') };
  };
  return (
    <>
      <h1 tabIndex={-1}>{t('journeys.new')}</h1>
      {created ? (
        <div role="status">
          <p>
            {t('editor.createdAs', { status: t(`status.${created.journey.status}` as 'status.live') })}{' '}
            <Link to={`/journeys/${encodeURIComponent(created.journey.id)}`}>{t('catalog.open')}</Link>
          </p>
          <JourneyWarnings notes={created} />
        </div>
      ) : (
        <Suspense fallback={<Loading />}>
          <JourneyEditor source={STARTER} onSave={onSave} />
        </Suspense>
      )}
    </>
  );
}
