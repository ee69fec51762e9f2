import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Profile } from '../api/types.ts';
import { type Outcome, StatusNote } from '../components/states.tsx';
import { TableHead } from '../components/table-head.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';
import { AddConsentForm } from './add-consent-form.tsx';

/** The customer's consent per channel and topic, each choice reversible, and a form to record a new one. */
export function ConsentTable(props: { customerPath: string; consent: Profile['consent']; onChanged(): void }) {
  const { t, dateTime } = useI18n();
  const [refused, setRefused] = useState<Outcome>();
  const rows = Object.entries(props.consent).flatMap(([channel, topics]) =>
    Object.entries(topics).map(([topic, entry]) => ({ channel, topic, ...entry })),
  );
  const toggle = async (row: (typeof rows)[number]) => {
    const status = row.status === 'granted' ? 'denied' : 'granted';
    try {
      await api(`${props.customerPath}/consent`, {
        method: 'PUT',
        body: { channel: row.channel, topic: row.topic, status, source: 'console' },
      });
      setRefused(undefined);
      props.onChanged();
    } catch (error) {
      // Said where the button is: a change the server refuses must not look as if nothing happened.
      setRefused({ ok: false, error });
    }
  };
  // The form keeps its place (and its note of what it recorded) when the first choice turns the note into a table.
  return (
    <>
      {rows.length === 0 ? <p className="muted">{t('customer.noConsent')}</p> : <StatusNote status={refused} />}
      {rows.length > 0 && (
        <table>
          <TableHead columns={['customer.channel', 'customer.topic', 'customer.status', 'customer.since']} actions />
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.channel}:${row.topic}`}>
                <td>{labelOf(t, 'channel', row.channel)}</td>
                <td>{labelOf(t, 'topic', row.topic)}</td>
                <td>{t(row.status === 'granted' ? 'consent.granted' : 'consent.denied')}</td>
                <td title={row.source}>{dateTime(row.at)}</td>
                <td>
                  <button type="button" onClick={() => toggle(row)}>
                    {t(row.status === 'granted' ? 'consent.deny' : 'consent.grant')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddConsentForm customerPath={props.customerPath} onAdded={props.onChanged} />
    </>
  );
}
