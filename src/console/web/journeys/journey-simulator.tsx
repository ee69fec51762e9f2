import { type FormEvent, useId, useState } from 'react';
import type { JourneyDefinition } from '../../../journeys/journey-schema.ts';
import { api } from '../api/client.ts';
import { DecisionView } from '../components/decision-explanation.tsx';
import type { DecisionExplanation } from '../components/decision-words.ts';
import { ErrorNote } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';

export interface Simulation {
  status: string;
  outcome: string | null;
  reason: string | null;
  /** Each step with the server's words for it (English). */
  path: { nodeId: string | null; at: string; what: string }[];
  messages: {
    at: string;
    channel?: string;
    template?: string;
    decision?: (DecisionExplanation & { summary?: string }) | null;
  }[];
  notes: string[];
}

/** Runs the journey for one real customer on a virtual clock: sends and writes nothing. */
export function JourneySimulator(props: {
  definition: JourneyDefinition;
  result: Simulation | undefined;
  onResult(result: Simulation | undefined): void;
}) {
  const { t, dateTime, locale } = useI18n();
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
            {t('simulate.result', {
              status: labelOf(t, 'simulationStatus', result.status),
              outcome: result.outcome ? labelOf(t, 'runOutcome', result.outcome) : '—',
            })}
            {result.reason ? ` (${result.reason})` : ''}
          </p>
          <ol className="path-steps">
            {result.path.map((step) => (
              <li key={`${step.at}:${step.nodeId}:${step.what}`}>
                <time>{dateTime(Date.parse(step.at))}</time> <span lang="en">{step.what}</span>
              </li>
            ))}
          </ol>
          {locale !== 'en' && <p className="muted small">{t('simulate.pathWords')}</p>}
          {result.messages.length > 0 && (
            <>
              <h3>{t('simulate.messages')}</h3>
              <ul className="simulated-messages">
                {result.messages.map((m) => (
                  <li key={`${m.at}:${m.channel}:${m.template}`}>
                    <time>{dateTime(Date.parse(m.at))}</time> <span className="mono">{m.template}</span>
                    {/* A send the simulation did not decide goes on its own channel. */}
                    <DecisionView decision={m.decision ?? { outcome: 'send', channel: m.channel, reasons: [] }} />
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.notes.map((note) => (
            <p key={note} className="muted" lang="en">
              {note}
            </p>
          ))}
          <p className="muted">{t('simulate.graphHint')}</p>
        </section>
      )}
    </>
  );
}
