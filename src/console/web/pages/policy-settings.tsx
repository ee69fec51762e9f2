import { type FormEvent, useId, useState } from 'react';
import type { Policy } from '../../../decisioning/policy-schema.ts';
import { api } from '../api/client.ts';
import { ConsoleError } from '../api/explain-error.ts';
import { useApi } from '../api/use-api.ts';
import { Await, type Outcome, StatusNote } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { HoldoutLiftPanel } from './holdout-lift-panel.tsx';
import { policyWords } from './policy-words.ts';

interface PolicyView {
  policy: Policy;
  default: boolean;
  updatedAt: string | null;
}

/** One list of a policy's rules in words, or "None." when the policy has none of them. */
function RuleList(props: { title: string; lines: readonly string[] }) {
  const { t } = useI18n();
  return (
    <>
      <h3>{props.title}</h3>
      {props.lines.length === 0 ? (
        <p className="muted">{t('settings.none')}</p>
      ) : (
        <ul>
          {props.lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: two rules may read the same; the list is rebuilt whole
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
    </>
  );
}

/**
 * The workspace's communication policy: every rule in words (quiet hours, caps, collisions, longest
 * holds, suppression rules, the holdout), the whole policy to edit as JSON, and its holdout's lift.
 */
export function PolicySettings() {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const loaded = useApi<PolicyView>('/v1/policy');
  const fieldId = useId();
  const [status, setStatus] = useState<Outcome>();
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('policy') ?? '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      // Said in the admin's language; the browser's own words (English) say where.
      setStatus({ ok: false, error: new ConsoleError(t('settings.policyNotJson'), (error as Error).message) });
      return;
    }
    try {
      await api('/v1/policy', { method: 'PUT', body });
      setStatus({ ok: true, text: t('settings.policySaved') });
      loaded.reload();
    } catch (error) {
      // The server's refusal lists every problem.
      setStatus({ ok: false, error });
    }
  };
  return (
    <section aria-labelledby="policies">
      <h2 id="policies">{t('settings.policies')}</h2>
      <Await loaded={loaded}>
        {(view) => {
          const words = policyWords(i18n, view.policy);
          return (
            <>
              <p className="muted">
                {view.default || !view.updatedAt
                  ? t('settings.policyDefault')
                  : t('settings.policyUpdated', { at: dateTime(Date.parse(view.updatedAt)) })}
              </p>
              <RuleList title={t('settings.quietHours')} lines={words.quietHours} />
              <RuleList title={t('settings.caps')} lines={words.caps} />
              <RuleList title={t('settings.collisions')} lines={words.collisions} />
              <RuleList title={t('settings.maxDelay')} lines={words.maxDelay} />
              <RuleList title={t('settings.suppression')} lines={words.suppression} />
              <h3>{t('settings.holdout')}</h3>
              <p>{words.holdout}</p>
              {/* Shows the policy as stored once saved (defaults filled in): a new key for each save. */}
              <form key={view.updatedAt ?? 'default'} onSubmit={save} className="policy-form">
                <label htmlFor={fieldId}>{t('settings.policyJson')}</label>
                <textarea id={fieldId} name="policy" rows={12} defaultValue={JSON.stringify(view.policy, null, 2)} />
                <button type="submit">{t('settings.savePolicy')}</button>
              </form>
              <StatusNote status={status} />
              <HoldoutLiftPanel holdout={view.policy.holdout} />
            </>
          );
        }}
      </Await>
    </section>
  );
}
