import { type FormEvent, useId, useState } from 'react';
import type { Policy } from '../../../decisioning/policy-schema.ts';
import { api } from '../api/client.ts';
import { useApi } from '../api/use-api.ts';
import { Await, type Outcome, StatusNote } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';
import { HoldoutLiftPanel } from './holdout-lift-panel.tsx';

interface PolicyView {
  policy: Policy;
  default: boolean;
  updatedAt: string | null;
}

/** The workspace's communication policy: quiet hours and caps in words, the whole policy to edit as JSON, and its holdout's lift. */
export function PolicySettings() {
  const { t, dateTime } = useI18n();
  const channels = (list: readonly string[]) => list.map((c) => labelOf(t, 'channel', c)).join(', ');
  const classes = (list: readonly string[]) => list.map((c) => labelOf(t, 'topic', c)).join(', ');
  const loaded = useApi<PolicyView>('/v1/policy');
  const fieldId = useId();
  const [status, setStatus] = useState<Outcome>();
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('policy') ?? '');
    try {
      await api('/v1/policy', { method: 'PUT', body: JSON.parse(text) });
      setStatus({ ok: true, text: t('settings.policySaved') });
      loaded.reload();
    } catch (error) {
      // A text that is not JSON fails here, in the browser's words; the server's refusal lists every problem.
      setStatus({ ok: false, error });
    }
  };
  return (
    <section aria-labelledby="policies">
      <h2 id="policies">{t('settings.policies')}</h2>
      <Await loaded={loaded}>
        {(view) => (
          <>
            <p className="muted">
              {view.default || !view.updatedAt
                ? t('settings.policyDefault')
                : t('settings.policyUpdated', { at: dateTime(Date.parse(view.updatedAt)) })}
            </p>
            <h3>{t('settings.quietHours')}</h3>
            <ul>
              {view.policy.quietHours.map((q) => (
                <li key={`${q.channels.join()}:${q.from}`}>
                  {t('settings.quietLine', { channels: channels(q.channels), from: q.from, to: q.to })}
                  {q.allow.length > 0
                    ? ` ${t('settings.quietAllows', { classes: classes(q.allow) })}`
                    : ` ${t('settings.quietAllowsNone')}`}
                </li>
              ))}
            </ul>
            <h3>{t('settings.caps')}</h3>
            <ul>
              {view.policy.caps.map((c) => (
                <li key={`${c.classes.join()}:${c.channel ?? ''}:${c.per}`}>
                  {t(c.per === 'week' ? 'settings.capPerWeek' : 'settings.capPerDay', {
                    classes: classes(c.classes),
                    max: c.max,
                    channel: c.channel ? labelOf(t, 'channel', c.channel) : t('settings.capAnyChannel'),
                  })}
                </li>
              ))}
            </ul>
            <form onSubmit={save} className="policy-form">
              <label htmlFor={fieldId}>{t('settings.policyJson')}</label>
              <textarea id={fieldId} name="policy" rows={12} defaultValue={JSON.stringify(view.policy, null, 2)} />
              <button type="submit">{t('settings.savePolicy')}</button>
            </form>
            <StatusNote status={status} />
            <HoldoutLiftPanel holdout={view.policy.holdout} />
          </>
        )}
      </Await>
    </section>
  );
}
