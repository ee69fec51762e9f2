import { type FormEvent, useId } from 'react';
import { query } from '../api/client.ts';
import type { Profile } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Await, Empty, FirstEventSnippet } from '../components/states.tsx';
import { TableHead } from '../components/table-head.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { displayName } from './display-name.ts';

export default function CustomersPage() {
  const { t, dateTime } = useI18n();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const inputId = useId();
  const loaded = useApi<{ customers: Profile[] }>(`/v1/customers${query({ q, limit: 50 })}`);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    navigate(`/customers${query({ q: value })}`);
  };
  return (
    <>
      <h1 tabIndex={-1}>{t('customers.title')}</h1>
      <search>
        <form className="toolbar" onSubmit={submit}>
          <label htmlFor={inputId}>{t('customers.search')}</label>
          <input id={inputId} name="q" type="search" defaultValue={q} placeholder={t('customers.searchHint')} />
          <button type="submit">{t('customers.searchButton')}</button>
        </form>
      </search>
      <Await loaded={loaded}>
        {({ customers }) =>
          customers.length === 0 ? (
            <Empty title={q ? t('customers.noMatch', { q }) : t('customers.empty')}>
              {!q && <FirstEventSnippet />}
            </Empty>
          ) : (
            <table>
              <TableHead columns={['customers.name', 'customers.email', 'customers.id', 'customers.updated']} />
              <tbody>
                {customers.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/customers/${encodeURIComponent(c.id)}`}>{displayName(c)}</Link>
                    </td>
                    <td>{String(c.traits.email ?? '')}</td>
                    <td className="mono">{c.id}</td>
                    <td>{dateTime(c.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Await>
    </>
  );
}
