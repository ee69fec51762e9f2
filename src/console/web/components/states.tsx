import type { ReactNode } from 'react';
import { explainError } from '../api/explain-error.ts';
import type { Loaded } from '../api/use-api.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** Loading, error and empty states in one place, so every page says the same thing the same way. */
export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

/** A failure in the admin's language; the server's own words (English) follow as detail. */
export function ErrorNote(props: { error: unknown }) {
  const { t } = useI18n();
  const { summary, detail } = explainError(t, props.error);
  return (
    <p className="error" role="alert">
      {summary}
      {detail && (
        <span className="error-detail" lang="en">
          {detail}
        </span>
      )}
    </p>
  );
}

export function Empty(props: { title: string; children?: ReactNode }) {
  return (
    <section className="empty">
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}

export function Await<T>(props: { loaded: Loaded<T>; children(data: T): ReactNode }) {
  if (props.loaded.error) return <ErrorNote error={props.loaded.error} />;
  if (props.loaded.data === undefined) return <Loading />;
  return <>{props.children(props.loaded.data)}</>;
}

/** The snippet that sends a first event, for empty pages. */
export function FirstEventSnippet() {
  const { t } = useI18n();
  const origin = location.origin;
  return (
    <>
      <p>{t('empty.firstEvent')}</p>
      <pre>{`curl -u WRITE_KEY: -H 'content-type: application/json' \\
  -d '{"userId":"u1","event":"Signed Up","properties":{"plan":"pro"}}' \\
  ${origin}/v1/track`}</pre>
      <p className="muted">{t('empty.writeKeyHint')}</p>
    </>
  );
}

/** What a change did, or why it failed. */
export type Outcome = { ok: true; text: string } | { ok: false; error: unknown };

/** What a change did, or why it failed, under the form that made it. */
export function StatusNote(props: { status?: Outcome }) {
  const { status } = props;
  if (!status) return null;
  if (!status.ok) return <ErrorNote error={status.error} />;
  return (
    <p className="ok" role="status">
      {status.text}
    </p>
  );
}

/** The `<option>`s of a select (channels, statuses), each shown by `label` (its own value by default). */
export function Options(props: { values: readonly string[]; label?(value: string): string }) {
  return (
    <>
      {props.values.map((value) => (
        <option key={value} value={value}>
          {props.label ? props.label(value) : value}
        </option>
      ))}
    </>
  );
}
