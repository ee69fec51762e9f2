import { type FormEvent, useId, useMemo, useState } from 'react';
import type { Policy } from '../../../decisioning/policy-schema.ts';
import { ApiError, query } from '../api/client.ts';
import type { HoldoutReport } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Await } from '../components/states.tsx';
import { TableHead } from '../components/table-head.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';
import { liftFormats, liftVerdict } from './holdout-lift-figures.ts';

/** The windows offered, in days; the API takes any from 1 to 366. */
const WINDOWS = [7, 30, 90] as const;
const DEFAULT_WINDOW = 30;

/**
 * Whether the messages change what customers do: how often the policy's held-out customers did an
 * event the admin names, against everyone else (`GET /v1/policy/holdout`).
 */
export function HoldoutLiftPanel(props: { holdout: Policy['holdout'] }) {
  const { t } = useI18n();
  const headingId = useId();
  // Each Measure asks again (`n`), even for the same event and window: conversions keep coming in.
  const [asked, setAsked] = useState<{ path: string; n: number }>();
  const measure = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const conversion = String(form.get('event') ?? '').trim();
    const path = `/v1/policy/holdout${query({ event: conversion, days: String(form.get('days')) })}`;
    setAsked((last) => ({ path, n: (last?.n ?? 0) + 1 }));
  };
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t('lift.title')}</h3>
      {!props.holdout || props.holdout.percent === 0 ? (
        <NoHoldout />
      ) : (
        <>
          <p className="muted">{t('lift.hint')}</p>
          <form className="toolbar" onSubmit={measure} aria-label={t('lift.title')}>
            <label>
              {t('lift.event')}
              <input name="event" required placeholder="Order Completed" />
            </label>
            <label>
              {t('lift.window')}
              <select name="days" defaultValue={DEFAULT_WINDOW}>
                {WINDOWS.map((days) => (
                  <option key={days} value={days}>
                    {t('lift.days', { days })}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit">{t('lift.measure')}</button>
          </form>
          {/* Measured again when the holdout changes too: its percent and salt decide who is in each group. */}
          {asked && <LiftResult key={`${asked.n}:${JSON.stringify(props.holdout)}`} path={asked.path} />}
        </>
      )}
    </section>
  );
}

function NoHoldout() {
  const { t } = useI18n();
  return <p>{t('lift.noHoldout')}</p>;
}

function LiftResult(props: { path: string }) {
  const loaded = useApi<HoldoutReport>(props.path);
  // The policy stopped holding anyone out since this page loaded it.
  if (loaded.error instanceof ApiError && loaded.error.code === 'conflict') return <NoHoldout />;
  return <Await loaded={loaded}>{(report) => <LiftReport report={report} />}</Await>;
}

function LiftReport({ report }: { report: HoldoutReport }) {
  const { t, locale, number, date } = useI18n();
  const f = useMemo(() => liftFormats(locale), [locale]);
  const classes = new Intl.ListFormat(locale).format(report.classes.map((c) => labelOf(t, 'topic', c)));
  const groups = [
    ['lift.heldOut', report.holdout],
    ['lift.messaged', report.treatment],
  ] as const;
  const { difference, relativeLift, pValue } = report;
  return (
    <div className="lift">
      <p>
        {t('lift.about', {
          event: report.event,
          since: date(Date.parse(report.since)),
          until: date(Date.parse(report.until)),
          percent: f.holdoutPercent(report.percent),
          classes,
        })}
      </p>
      <table>
        <TableHead columns={['lift.group', 'lift.customers', 'lift.converted', 'lift.rate']} />
        <tbody>
          {groups.map(([label, group]) => (
            <tr key={label}>
              <th scope="row">{t(label)}</th>
              <td>{number(group.customers)}</td>
              <td>{number(group.converted)}</td>
              <td>{group.rate === null ? '—' : f.rate(group.rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* The field takes any name, so a misspelt one measures nothing: say so rather than show an empty lift. */}
      {report.holdout.converted + report.treatment.converted === 0 && (
        <p>{t('lift.noneConverted', { event: report.event })}</p>
      )}
      {difference === null ? (
        <p>{t('lift.emptyGroup')}</p>
      ) : (
        <>
          <dl className="pairs">
            <div className="pair">
              <dt>{t('lift.difference')}</dt>
              <dd>
                {t('lift.points', {
                  value: f.points(difference.value),
                  low: f.points(difference.low),
                  high: f.points(difference.high),
                })}
              </dd>
            </div>
            <div className="pair">
              <dt>{t('lift.relative')}</dt>
              <dd>{relativeLift === null ? t('lift.relativeNone') : f.relative(relativeLift)}</dd>
            </div>
            <div className="pair">
              <dt>{t('lift.p')}</dt>
              <dd>{pValue === null ? '—' : f.p(pValue)}</dd>
            </div>
          </dl>
          <p className="verdict">{t(`lift.verdict.${liftVerdict(difference)}`)}</p>
        </>
      )}
      <p className="muted small">{t('lift.groupsNow')}</p>
    </div>
  );
}
