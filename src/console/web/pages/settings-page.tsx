import { type FormEvent, useState } from 'react';
import { CHANNELS } from '../api/channels.ts';
import { api } from '../api/client.ts';
import type { ConsoleUser } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Await, ErrorNote, type Outcome, StatusNote } from '../components/states.tsx';
import { TableHead } from '../components/table-head.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';
import { PolicySettings } from './policy-settings.tsx';

export default function SettingsPage() {
  const { t } = useI18n();
  return (
    <>
      <h1 tabIndex={-1}>{t('settings.title')}</h1>
      <Channels />
      <Credentials />
      <PolicySettings />
      <ApiKeys />
      <Team />
    </>
  );
}

function Channels() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="channels">
      <h2 id="channels">{t('settings.channels')}</h2>
      <p>{t('settings.channelsHint')}</p>
      <ul className="chips">
        {CHANNELS.map((c) => (
          <li key={c}>{labelOf(t, 'channel', c)}</li>
        ))}
      </ul>
    </section>
  );
}

/** Provider credentials are write-only: the list shows names, never values. */
function Credentials() {
  const { t } = useI18n();
  const loaded = useApi<{ names: string[] }>('/v1/credentials');
  const [status, setStatus] = useState<Outcome>();
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const name = String(form.get('name') ?? '').trim();
    try {
      await api(`/v1/credentials/${encodeURIComponent(name)}`, { method: 'PUT', body: { value: form.get('value') } });
      formElement.reset();
      setStatus({ ok: true, text: t('settings.credentialSaved', { name }) });
      loaded.reload();
    } catch (error) {
      setStatus({ ok: false, error });
    }
  };
  return (
    <section aria-labelledby="credentials">
      <h2 id="credentials">{t('settings.credentials')}</h2>
      <Await loaded={loaded}>
        {({ names }) =>
          names.length === 0 ? (
            <p className="muted">{t('settings.noCredentials')}</p>
          ) : (
            <ul className="chips">
              {names.map((n) => (
                <li key={n}>
                  {n} <span className="muted">••••••</span>
                </li>
              ))}
            </ul>
          )
        }
      </Await>
      <form className="toolbar" onSubmit={save}>
        <label>
          {t('settings.credentialName')}
          <input name="name" required pattern="[a-z0-9_.\-]{1,64}" placeholder="twilio.auth_token" />
        </label>
        <label>
          {t('settings.credentialValue')}
          <input name="value" type="password" required autoComplete="off" />
        </label>
        <button type="submit">{t('settings.saveCredential')}</button>
      </form>
      <StatusNote status={status} />
    </section>
  );
}

function ApiKeys() {
  const { t } = useI18n();
  const [created, setCreated] = useState<{ type: string; key: string }>();
  const [error, setError] = useState<unknown>();
  const create = async (type: 'write' | 'secret') => {
    try {
      setCreated(
        await api<{ type: string; key: string }>('/v1/keys', { method: 'POST', body: { type, label: 'console' } }),
      );
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="keys">
      <h2 id="keys">{t('settings.keys')}</h2>
      <p>{t('settings.keysHint')}</p>
      <div className="toolbar">
        <button type="button" onClick={() => create('write')}>
          {t('settings.newWriteKey')}
        </button>
        <button type="button" onClick={() => create('secret')}>
          {t('settings.newSecretKey')}
        </button>
      </div>
      {created && (
        <div role="status">
          <p>{t('settings.keyShownOnce')}</p>
          <pre className="mono">{created.key}</pre>
        </div>
      )}
      {error !== undefined && <ErrorNote error={error} />}
    </section>
  );
}

function Team() {
  const { t, date } = useI18n();
  const loaded = useApi<{ members: ConsoleUser[] }>('/v1/team');
  return (
    <section aria-labelledby="team">
      <h2 id="team">{t('settings.team')}</h2>
      <Await loaded={loaded}>
        {({ members }) => (
          <table>
            <TableHead columns={['settings.memberEmail', 'settings.memberRole', 'settings.memberSince']} />
            <tbody>
              {members.map((m) => (
                <tr key={m.id}>
                  <td>{m.email}</td>
                  <td>{labelOf(t, 'role', m.role)}</td>
                  <td>{date(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Await>
    </section>
  );
}
