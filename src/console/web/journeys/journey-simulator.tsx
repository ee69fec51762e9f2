import { type FormEvent, useId, useState } from 'react';
import type { JourneyDefinition } from '../../../journeys/journey-schema.ts';
import { api } from '../api/client.ts';
import { ErrorNote } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';

type Outcome = 'send' | 'delay' | 'suppress';

export interface Simulation {
  status: string;
  outcome: string | null;
  reason: string | null;
  path: { nodeId: string | null; at: string; what: string }[];
  messages: { at: string; channel?: string; template?: string; decision?: { outcome: Outcome } | null }[];
  notes: string[];
}

/** Runs the journey for one real customer on a virtual clock: sends and writes nothing. */
export function JourneySimulator(props: {
  definition: JourneyDefinition;
  result: Simulation | undefined;
  onResult(result: Simulation | undefined): void;
}) {
  const { t, dateTime } = useI18n();
  const inputId = useId();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const customer = String(new FormData(event.currentTarget).get('customer') ?? '').trim();
    setBusy(true);
    setError(undefined);
    try {
      props.onResult(
        await api<Simulation>('/v1/journeys/simulate', {
          method: 'POST',
          body: { journey: props.definition, customer, from: 'trigger' },
        }),
      );
    } catch (e) {
      props.onResult(undefined);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const result = props.result;
  return (
    <>
      <form className="toolbar" onSubmit={run}>
        <label htmlFor={inputId}>{t('simulate.customer')}</label>
        <input id={inputId} name="customer" required placeholder="ada@example.com" />
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          {busy ? t('simulate.running') : t('simulate.run')}
        </button>
      </form>
      {error !== undefined && <ErrorNote error={error} />}
      {result && (
        <section aria-live="polite" className="simulation">
          <p>
            {t('simulate.result', { status: result.status, outcome: result.outcome ?? '—' })}
            {result.reason ? ` (${result.reason})` : ''}
          </p>
          <ol className="path-steps">
            {result.path.map((step) => (
              <li key={`${step.at}:${step.nodeId}:${step.what}`}>
                <time>{dateTime(Date.parse(step.at))}</time> {step.what}
              </li>
            ))}
          </ol>
          {result.messages.length > 0 && (
            <>
              <h3>{t('simulate.messages')}</h3>
              <ul>
                {result.messages.map((m) => (
                  <li key={`${m.at}:${m.channel}:${m.template}`}>
                    {dateTime(Date.parse(m.at))} {m.channel} {m.template} —{' '}
                    {t(`simulate.outcome.${m.decision?.outcome ?? 'send'}`)}
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.notes.map((note) => (
            <p key={note} className="muted">
              {note}
            </p>
          ))}
          <p className="muted">{t('simulate.graphHint')}</p>
        </section>
      )}
    </>
  );
}
