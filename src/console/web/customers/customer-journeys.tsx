import type { PathStep, Run } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';
import { Link } from '../router.tsx';

/** The nodes in the order visited: a node's entered and left records show as one step, with the branch taken. */
function nodesVisited(path: PathStep[]): PathStep[] {
  const steps: PathStep[] = [];
  for (const step of path) {
    if (!step.nodeId) continue;
    const last = steps.at(-1);
    if (last?.nodeId === step.nodeId) steps[steps.length - 1] = { ...last, branch: step.branch ?? last.branch };
    else steps.push(step);
  }
  return steps;
}

/** Each run of the customer with its path: the nodes in order, with branches and reasons. */
export function CustomerJourneys({ runs }: { runs: Run[] }) {
  const { t, dateTime } = useI18n();
  if (runs.length === 0) return <p className="muted">{t('customer.noJourneys')}</p>;
  return (
    <ul className="runs">
      {runs.map((run) => (
        <li key={run.runId}>
          <Link to={`/journeys/${encodeURIComponent(run.journeyId)}`}>{run.journeyId}</Link>{' '}
          <span className={`badge ${run.status}`}>{t(`run.${run.status}` as 'run.waiting')}</span>
          {run.outcome && <span className="badge">{labelOf(t, 'runOutcome', run.outcome)}</span>}{' '}
          <span className="muted">{dateTime(run.startedAt)}</span>
          <ol className="path" aria-label={t('customer.path')}>
            {nodesVisited(run.path).map((step) => (
              <li key={`${step.at}:${step.nodeId}`} title={step.reason ?? step.kind}>
                {step.nodeId}
                {step.branch ? ` → ${step.branch}` : ''}
              </li>
            ))}
          </ol>
        </li>
      ))}
    </ul>
  );
}
