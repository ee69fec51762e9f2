import { type FormEvent, useState } from 'react';
import type { SuppressionView } from '../../../delivery/suppression/suppression-service.ts';
import type { SuppressionReason } from '../../../storage/suppression-store.ts';
import { SUPPRESSIBLE_CHANNELS } from '../api/channels.ts';
import { api } from '../api/client.ts';
import { type Page, usePagedApi, usePages } from '../api/use-pages.ts';
import { LoadOlder } from '../components/paged-list.tsx';
import { Await, Empty, Options, type Outcome, StatusNote } from '../components/states.tsx';
import { TableHead } from '../components/table-head.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';

/** Addresses Godwit never sends to: hard bounces and complaints add themselves, people add and remove them here. */

const PAGE = 200;

const REASON_LABELS = {
  hard_bounce: 'suppressions.hardBounce',
  complaint: 'suppressions.complaint',
  soft_bounces: 'suppressions.softBounces',
  manual: 'suppressions.manual',
  opt_out: 'suppressions.optOut',
} as const satisfies Record<SuppressionReason, MessageKey>;

type Added = { suppression: SuppressionView; added: boolean };

export function SuppressionsTab() {
  const { t } = useI18n();
  const { list, older } = usePagedApi<SuppressionView, 'suppressions'>(
    `/v1/suppressions?limit=${PAGE}`,
    'suppressions',
  );
  const [status, setStatus] = useState<Outcome>();
  /** Runs a change, then says what it did (in the server's words for the address) and reloads the list. */
  const change = async (work: () => Promise<string>) => {
    try {
      setStatus({ ok: true, text: await work() });
      list.reload();
    } catch (error) {
      setStatus({ ok: false, error });
    }
  };
  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const body = { channel: form.get('channel'), address: form.get('address'), note: form.get('note') || undefined };
    void change(async () => {
      const { suppression, added } = await api<Added>('/v1/suppressions', { method: 'POST', body });
      formElement.reset();
      const { address, reason } = suppression;
      return added
        ? t('suppressions.added', { address })
        : t('suppressions.already', { address, reason: t(REASON_LABELS[reason]) });
    });
  };
  const remove = (s: SuppressionView) =>
    change(async () => {
      await api(`/v1/suppressions/${s.channel}/${encodeURIComponent(s.address)}`, { method: 'DELETE' });
      return t('suppressions.removed', { address: s.address });
    });
  return (
    <>
      <p className="muted">{t('suppressions.hint')}</p>
      <form className="toolbar" onSubmit={add} aria-label={t('suppressions.add')}>
        <label>
          {t('messages.channel')}
          <select name="channel" defaultValue="email">
            <Options values={SUPPRESSIBLE_CHANNELS} label={(c) => labelOf(t, 'channel', c)} />
          </select>
        </label>
        <label>
          {t('messages.address')}
          <input name="address" required />
        </label>
        <label>
          {t('suppressions.note')}
          <input name="note" maxLength={500} />
        </label>
        <button type="submit">{t('suppressions.add')}</button>
      </form>
      <StatusNote status={status} />
      <Await loaded={list}>{(first) => <SuppressionTable first={first} older={older} onRemove={remove} />}</Await>
    </>
  );
}

function SuppressionTable(props: {
  first: Page<SuppressionView>;
  older(before: string): Promise<Page<SuppressionView>>;
  onRemove(s: SuppressionView): void;
}) {
  const { t, dateTime } = useI18n();
  const pages = usePages(props.first, props.older);
  if (pages.items.length === 0) return <Empty title={t('suppressions.empty')} />;
  return (
    <>
      <table>
        <TableHead
          columns={[
            'messages.created',
            'messages.channel',
            'messages.address',
            'suppressions.reason',
            'suppressions.note',
          ]}
          actions
        />
        <tbody>
          {pages.items.map((s) => (
            <tr key={`${s.channel}:${s.address}`}>
              <td>{dateTime(Date.parse(s.createdAt))}</td>
              <td>{s.channel}</td>
              <td>{s.address}</td>
              <td>{t(REASON_LABELS[s.reason])}</td>
              <td>{typeof s.detail.note === 'string' ? s.detail.note : '—'}</td>
              <td>
                <button type="button" onClick={() => props.onRemove(s)}>
                  {t('suppressions.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadOlder pages={pages} label={t('suppressions.older')} />
    </>
  );
}
