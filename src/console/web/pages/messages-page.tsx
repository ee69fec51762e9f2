import { type FormEvent, useState } from 'react';
import { MESSAGE_STATUSES } from '../../../storage/delivery-store.ts';
import { CHANNELS } from '../api/channels.ts';
import { api, query } from '../api/client.ts';
import type { Message } from '../api/types.ts';
import { type Page, usePagedApi, usePages } from '../api/use-pages.ts';
import { FailingChannelsWarning } from '../components/failing-channels.tsx';
import { LoadOlder } from '../components/paged-list.tsx';
import { Await, Empty, ErrorNote, Options } from '../components/states.tsx';
import { TableHead } from '../components/table-head.tsx';
import { Tabs } from '../components/tabs.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';
import { navigate, useLocation } from '../router.tsx';
import { MessageDetailView } from './message-detail.tsx';
import { SuppressionsTab } from './suppressions-tab.tsx';
import { opensMessage, useSelectedMessage } from './use-selected-message.ts';

/** Messages per page of the list; older ones load on request. */
const PAGE = 200;

export default function MessagesPage() {
  const { t } = useI18n();
  const { selected, open, close } = useSelectedMessage();
  return (
    <>
      <h1 tabIndex={-1}>{t('messages.title')}</h1>
      <FailingChannelsWarning />
      <p className="muted">{t('messages.devSinkHint')}</p>
      <div className="split">
        <div>
          <Tabs
            label={t('messages.title')}
            tabs={[
              { id: 'outbox', label: t('messages.outbox'), render: () => <Outbox onSelect={open} /> },
              { id: 'dead', label: t('messages.dead'), render: () => <DeadLetters onSelect={open} /> },
              { id: 'suppressions', label: t('suppressions.tab'), render: () => <SuppressionsTab /> },
            ]}
          />
        </div>
        {selected && <MessageDetailView messageKey={selected} onClose={close} />}
      </div>
    </>
  );
}

function Outbox(props: { onSelect(key: string): void }) {
  const { t } = useI18n();
  const { path, search } = useLocation();
  const filter = {
    status: search.get('status') ?? '',
    channel: search.get('channel') ?? '',
    journey: search.get('journey') ?? '',
  };
  const { list, older } = usePagedApi<Message, 'messages'>(
    `/v1/messages${query({ ...filter, limit: PAGE })}`,
    'messages',
  );
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams(search);
    for (const name of ['status', 'channel', 'journey']) {
      const value = String(form.get(name) ?? '');
      if (value) next.set(name, value);
      else next.delete(name);
    }
    navigate(`${path}?${next}`, { replace: true });
  };
  return (
    <>
      <form className="toolbar" onSubmit={apply} aria-label={t('messages.filters')}>
        <label>
          {t('messages.status')}
          <select name="status" defaultValue={filter.status}>
            <option value="">{t('messages.any')}</option>
            <Options values={MESSAGE_STATUSES} label={(s) => labelOf(t, 'messageStatus', s)} />
          </select>
        </label>
        <label>
          {t('messages.channel')}
          <select name="channel" defaultValue={filter.channel}>
            <option value="">{t('messages.any')}</option>
            <Options values={CHANNELS} label={(c) => labelOf(t, 'channel', c)} />
          </select>
        </label>
        <label>
          {t('messages.journey')}
          <input name="journey" defaultValue={filter.journey} />
        </label>
        <button type="submit">{t('messages.apply')}</button>
      </form>
      <Await loaded={list}>{(first) => <MessageTable first={first} older={older} onSelect={props.onSelect} />}</Await>
    </>
  );
}

function DeadLetters(props: { onSelect(key: string): void }) {
  const { t } = useI18n();
  const { list, older } = usePagedApi<Message, 'messages'>(`/v1/messages/dead?limit=${PAGE}`, 'messages');
  const [error, setError] = useState<unknown>();
  const retry = async (key: string) => {
    try {
      await api(`/v1/messages/${encodeURIComponent(key)}/retry`, { method: 'POST' });
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      {error !== undefined && <ErrorNote error={error} />}
      <Await loaded={list}>
        {(first) => (
          <MessageTable
            first={first}
            older={older}
            onSelect={props.onSelect}
            onRetry={retry}
            empty={{ title: t('messages.noDead'), hint: t('messages.noDeadHint') }}
          />
        )}
      </Await>
    </>
  );
}

/** Newest first, older pages on request. */
function MessageTable(props: {
  first: Page<Message>;
  older(before: string): Promise<Page<Message>>;
  onSelect(key: string): void;
  onRetry?(key: string): void;
  empty?: { title: string; hint: string };
}) {
  const { t, dateTime } = useI18n();
  const pages = usePages(props.first, props.older);
  if (pages.items.length === 0) {
    return (
      <Empty title={props.empty?.title ?? t('messages.empty')}>
        <p>{props.empty?.hint ?? t('messages.emptyHint')}</p>
      </Empty>
    );
  }
  return (
    <>
      <div className="table-scroll">
        <table>
          <TableHead
            columns={[
              'messages.created',
              'messages.channel',
              'messages.status',
              'messages.template',
              'messages.address',
              'messages.provider',
              'messages.attempts',
            ]}
            actions
          />
          <tbody>
            {pages.items.map((m) => (
              <tr key={m.key}>
                <td>{dateTime(Date.parse(m.createdAt))}</td>
                <td>{m.channel ? labelOf(t, 'channel', m.channel) : '—'}</td>
                <td>
                  <span className={`badge ${m.status}`}>{labelOf(t, 'messageStatus', m.status)}</span>
                  {m.status === 'scheduled' && m.nextAttemptAt && (
                    <div className="muted small">
                      {t('messages.goesAt', { time: dateTime(Date.parse(m.nextAttemptAt)) })}
                    </div>
                  )}
                  {m.lastError && <div className="muted small">{m.lastError}</div>}
                </td>
                <td>{m.template ?? '—'}</td>
                <td>{m.address ?? '—'}</td>
                <td>{m.provider ?? '—'}</td>
                <td>{m.attempts}</td>
                <td>
                  <button type="button" onClick={() => props.onSelect(m.key)} {...opensMessage(m.key)}>
                    {t('messages.view')}
                  </button>
                  {props.onRetry && (
                    <button type="button" onClick={() => props.onRetry?.(m.key)}>
                      {t('messages.retry')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadOlder pages={pages} label={t('messages.older')} />
    </>
  );
}
