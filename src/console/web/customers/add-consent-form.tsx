import { type FormEvent, useState } from 'react';
import { CONSENT_CHANNELS, CONSENT_TOPICS } from '../api/channels.ts';
import { api } from '../api/client.ts';
import type { SubscriptionGroup } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Options, type Outcome, StatusNote } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';

/**
 * Records a choice the customer made elsewhere (by phone, in a shop): for a channel as a whole, a
 * message class, or one of the workspace's subscription groups on that channel.
 */
export function AddConsentForm(props: { customerPath: string; onAdded(): void }) {
  const { t } = useI18n();
  const [channel, setChannel] = useState<string>(CONSENT_CHANNELS[0]);
  const [status, setStatus] = useState<Outcome>();
  // Without groups (or without the route) the form still offers the channel and the classes.
  const groups = useApi<{ groups: SubscriptionGroup[] }>('/v1/subscription-groups');
  const groupsHere = groups.data?.groups.filter((group) => group.channels.includes(channel)) ?? [];
  const topicLabel = (topic: string) =>
    labelOf(t, 'topic', topic, groupsHere.find((group) => group.id === topic)?.name ?? topic);
  const add = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const topic = String(form.get('topic'));
    const choice = form.get('status') === 'denied' ? 'denied' : 'granted';
    try {
      await api(`${props.customerPath}/consent`, {
        method: 'PUT',
        body: { channel, topic, status: choice, source: 'console' },
      });
      const words = {
        channel: labelOf(t, 'channel', channel),
        topic: topicLabel(topic),
        status: t(`consent.${choice}`),
      };
      setStatus({ ok: true, text: t('consent.added', words) });
      props.onAdded();
    } catch (error) {
      setStatus({ ok: false, error });
    }
  };
  return (
    <>
      <h3 id="add-consent">{t('consent.add')}</h3>
      <p className="muted">{t('consent.addHint')}</p>
      <form className="toolbar" onSubmit={add} aria-labelledby="add-consent">
        <label>
          {t('customer.channel')}
          <select name="channel" value={channel} onChange={(event) => setChannel(event.target.value)}>
            <Options values={CONSENT_CHANNELS} label={(c) => labelOf(t, 'channel', c)} />
          </select>
        </label>
        <label>
          {t('customer.topic')}
          <select name="topic" defaultValue="all">
            <Options values={[...CONSENT_TOPICS, ...groupsHere.map((group) => group.id)]} label={topicLabel} />
          </select>
        </label>
        <label>
          {t('customer.status')}
          <select name="status" defaultValue="granted">
            <option value="granted">{t('consent.granted')}</option>
            <option value="denied">{t('consent.denied')}</option>
          </select>
        </label>
        <button type="submit">{t('consent.record')}</button>
      </form>
      <StatusNote status={status} />
    </>
  );
}
