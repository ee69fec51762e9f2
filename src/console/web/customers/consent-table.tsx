import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Profile } from '../api/types.ts';
import { StatusNote } from '../components/states.tsx';
import { TableHead } from '../components/table-head.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function ConsentTable(props: { customerPath: string; consent: Profile['consent']; onChanged(): void }) {
  const { t, dateTime } = useI18n();
  const [refused, setRefused] = useState<string>();
  const rows = Object.entries(props.consent).flatMap(([channel, topics]) =>
    Object.entries(topics).map(([topic, entry]) => ({ channel, topic, ...entry })),
  );
  if (rows.length === 0) return <p className="muted">{t('customer.noConsent')}</p>;
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
      setRefused((error as Error).message);
    }
  };
  return (
    <>
      <StatusNote status={refused === undefined ? undefined : { ok: false, text: refused }} />
      <table>
        <TableHead columns={['customer.channel', 'customer.topic', 'customer.status', 'customer.since']} actions />
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.channel}:${row.topic}`}>
              <td>{row.channel}</td>
              <td>{row.topic}</td>
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
    </>
  );
}
